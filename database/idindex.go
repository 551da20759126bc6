package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// IndexIDs makes lookups by _id on the embedded store use an index.
//
// FerretDB v1.24's SQLite backend looks a document up by _id with the
// expression _ferretdb_sjson->'$._id', but the unique index it creates for
// _id is on _ferretdb_sjson->"_id". SQLite uses an index only for the
// expression it was built on, so every find, update and delete by _id
// reads the whole table. Measured on 20,000 small documents: 35 ms per
// find and 64 ms per update by _id; with an index on FerretDB's expression,
// 0.35 ms and 0.57 ms. IndexIDs adds that index to every collection's
// table. It is idempotent; call it at start, after the collections exist.
// It does nothing on MongoDB.
func (c *Conn) IndexIDs(ctx context.Context) error {
	if !c.Embedded {
		return nil
	}
	return IndexIDsIn(ctx, c.dir, c.DB.Name())
}

// IndexIDsIn is IndexIDs for database dbName of the embedded store whose
// files are in dir (as StartEmbedded was given).
func IndexIDsIn(ctx context.Context, dir, dbName string) error {
	file := filepath.Join(dir, dbName+".sqlite")
	q := url.Values{"_pragma": {"busy_timeout(10000)"}}
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("database: open %s: %w", file, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return fmt.Errorf("database: list tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("database: list tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("database: list tables: %w", err)
	}
	for _, t := range tables {
		stmt := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_lontar_id", t)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("database: index _id of %s: %w", t, err)
		}
	}
	return nil
}
