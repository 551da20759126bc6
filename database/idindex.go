package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses, registered as "sqlite"
)

// FerretDB v1 on SQLite stores each collection as a table of JSON
// documents and looks a document up by _id with
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// but the unique index it creates for _id is on the expression
// _ferretdb_sjson->"_id", which SQLite does not treat as the same
// expression. Every read, update and delete by _id therefore scanned the
// whole table and parsed every document's JSON: measured, a write by _id
// took 0.7 ms in a collection of 10 documents and 16 ms in one of 5,000,
// and a 300-learner workshop spent a third of its CPU in SQLite's JSON
// parser. idIndexer adds, to every collection table, an index on exactly
// the expression FerretDB queries, which turns those scans into index
// lookups. It is an ordinary SQLite index: FerretDB never sees it, writes
// keep it up to date, and dropping a collection drops it with the table.
const (
	sjsonColumn      = "_ferretdb_sjson"
	collectionsTable = "_ferretdb_collections"
	idIndexSuffix    = "_lontar_id"
	// idIndexEvery is how often new collections (and databases) get
	// their index: collections are created on first write, after start.
	idIndexEvery = 2 * time.Second
)

// idIndexer keeps the _id lookup index on every table of the SQLite files
// in dir.
type idIndexer struct {
	dir    string
	logger *slog.Logger
}

// run indexes what exists now, then keeps indexing new collections until
// ctx ends.
func (x *idIndexer) run(ctx context.Context) {
	t := time.NewTicker(idIndexEvery)
	defer t.Stop()
	for {
		if err := x.indexAll(ctx); err != nil && ctx.Err() == nil {
			x.logger.Warn("database: index _id lookups", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// indexAll creates the index on every collection table that lacks it.
func (x *idIndexer) indexAll(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := x.indexFile(ctx, f); err != nil {
			if _, serr := os.Stat(f); errors.Is(serr, fs.ErrNotExist) {
				continue // a database dropped while it was being looked at
			}
			return fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
	}
	return nil
}

func (x *idIndexer) indexFile(ctx context.Context, file string) error {
	// mode=rw: never create a file FerretDB has just removed (a dropped
	// database) or not written yet.
	u := url.URL{Scheme: "file", Path: file, RawQuery: url.Values{
		"mode": {"rw"}, "_pragma": {"busy_timeout(10000)"}}.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM `+collectionsTable+` c WHERE NOT EXISTS (
		SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '`+idIndexSuffix+`')`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "unable to open") {
			return nil // a database being created or dropped
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s->'$._id')`,
			quoteIdent(t+idIndexSuffix), quoteIdent(t), sjsonColumn)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("index %s: %w", t, err)
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
