package database

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDB's own _id index does not serve its _id lookups; the store must
// add one that does, or every read and write by _id scans its collection.
func TestLookupsByIDUseAnIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{DataDir: dir, DBName: "lontar", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	for _, coll := range []string{"enrollments", "sync_events"} {
		if _, err := s.DB.Collection(coll).InsertOne(ctx, bson.M{"_id": "u1:c1", "n": 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.IndexIDLookups(ctx); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "db", "lontar.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query("SELECT name, table_name FROM " + collectionsTable)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, table)
	}
	rows.Close()
	if len(tables) < 2 {
		t.Fatalf("tables = %v, want the two collections", tables)
	}
	for _, table := range tables {
		// The statement FerretDB runs for a lookup by _id.
		plan, err := db.Query(`EXPLAIN QUERY PLAN SELECT `+sjsonColumn+` FROM `+quoteIdent(table)+` WHERE `+sjsonColumn+`->'$._id' = ?`, `"u1:c1"`)
		if err != nil {
			t.Fatal(err)
		}
		var detail []string
		for plan.Next() {
			var id, parent, unused int
			var d string
			if err := plan.Scan(&id, &parent, &unused, &d); err != nil {
				t.Fatal(err)
			}
			detail = append(detail, d)
		}
		plan.Close()
		if got := strings.Join(detail, "; "); !strings.Contains(got, "USING INDEX "+table+idIndexSuffix) {
			t.Errorf("lookup by _id in %s: plan %q, want it to use the _id index", table, got)
		}
	}
	// Still one answer per _id: the index only speeds the lookup.
	var got struct{ N int }
	if err := s.DB.Collection("enrollments").FindOne(ctx, bson.M{"_id": "u1:c1"}).Decode(&got); err != nil || got.N != 1 {
		t.Fatalf("read back: %+v, %v", got, err)
	}
}
