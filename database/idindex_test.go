package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// queryPlan asks SQLite how it would find a document of coll by _id the
// way FerretDB asks for it.
func queryPlan(t *testing.T, dir, coll string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "db", "lontar.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&table); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// Without IndexIDs the embedded store scans a table for each look-up by
// _id; with it, SQLite uses the index, and documents are found and
// updated by _id as before.
func TestIndexIDsMakesLookupsByIDUseAnIndex(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := openEmbedded(t, dir)
	defer s.Close(ctx)
	coll := s.DB.Collection("enrollments")
	docs := make([]any, 500)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("u%d:jualan", i), "n": 0}
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if plan := queryPlan(t, dir, "enrollments"); !strings.Contains(plan, "SCAN") {
		t.Fatalf("expected a table scan before indexing (FerretDB may have fixed its expression): %s", plan)
	}
	for range 2 { // idempotent
		if err := s.IndexIDs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if plan := queryPlan(t, dir, "enrollments"); !strings.Contains(plan, "USING INDEX") || !strings.Contains(plan, "_lontar_id") {
		t.Fatalf("look-up by _id does not use the index: %s", plan)
	}
	if _, err := coll.UpdateOne(ctx, bson.M{"_id": "u499:jualan"}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
		t.Fatal(err)
	}
	var got struct{ N int }
	if err := coll.FindOne(ctx, bson.M{"_id": "u499:jualan"}).Decode(&got); err != nil || got.N != 1 {
		t.Fatalf("after indexing: %v, n = %d", err, got.N)
	}
	if _, err := coll.InsertOne(ctx, bson.M{"_id": "u1:jualan"}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate _id accepted: %v", err)
	}
}
