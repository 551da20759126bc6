// Package database connects Lontar to its MongoDB-wire store: a MongoDB
// server named by a URI, or FerretDB on SQLite embedded in this process.
package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Conn is an open connection to the database, and the embedded server
// behind it when there is one. (Each feature's Store keeps its own
// collections on Conn.DB.)
type Conn struct {
	Client   *mongo.Client
	DB       *mongo.Database
	Embedded bool
	stop     func()
	// dbDir holds the embedded store's SQLite files.
	dbDir string
}

// Options say which store to open.
type Options struct {
	URI     string // MongoDB URI; empty starts the embedded store
	DataDir string // the embedded store's files live in DataDir/db
	DBName  string
	// Synchronous is SQLite's synchronous pragma for the embedded store:
	// "full" (the default) or "normal". See README: durability vs latency.
	Synchronous string
	Logger      *slog.Logger
}

// Open connects to the store. Embedded FerretDB applies every update as
// read, change, write back without a transaction, so concurrent writers to
// one document lose updates; the embedded store is therefore reached
// through exactly one driver connection, which serialises all operations.
func Open(ctx context.Context, o Options) (*Conn, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.URI != "" {
		client, err := mongo.Connect(options.Client().ApplyURI(o.URI).SetAppName("lontar"))
		if err != nil {
			return nil, fmt.Errorf("database: connect: %w", err)
		}
		return &Conn{Client: client, DB: client.Database(o.DBName), stop: func() {}}, nil
	}
	uri, stop, err := StartEmbedded(ctx, filepath.Join(o.DataDir, "db"), o.Synchronous, o.Logger)
	if err != nil {
		return nil, err
	}
	client, err := ConnectEmbedded(uri)
	if err != nil {
		stop()
		return nil, fmt.Errorf("database: connect to embedded store: %w", err)
	}
	abs, _ := filepath.Abs(filepath.Join(o.DataDir, "db"))
	return &Conn{Client: client, DB: client.Database(o.DBName), Embedded: true, stop: stop, dbDir: abs}, nil
}

// IndexIDLookups gives every collection of the embedded store created so
// far its _id lookup index now (see idIndexer), instead of within the
// next two seconds; call it once the app's collections exist. On MongoDB
// it does nothing.
func (s *Conn) IndexIDLookups(ctx context.Context) error {
	if !s.Embedded {
		return nil
	}
	return (&idIndexer{dir: s.dbDir}).indexAll(ctx)
}

// Ping reports whether the store answers.
func (s *Conn) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, nil)
}

// Close disconnects and stops the embedded server, if any.
func (s *Conn) Close(ctx context.Context) error {
	err := errors.Join(disconnectEmbedded(ctx, s.Client), s.Client.Disconnect(ctx))
	if s.stop != nil {
		s.stop()
	}
	return err
}

// StartEmbedded runs FerretDB with its SQLite handler on files under dir,
// listening on a unix socket inside dir (or loopback TCP where the socket
// path would be too long), and returns its URI and a function that stops it.
func StartEmbedded(ctx context.Context, dir, synchronous string, logger *slog.Logger) (string, func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("database: create %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("database: %w", err)
	}
	switch synchronous {
	case "":
		synchronous = "full"
	case "full", "normal", "off", "extra":
	default:
		return "", nil, errors.New("database: synchronous must be full, normal, off or extra")
	}
	sqlite := url.URL{Scheme: "file", Path: abs + "/",
		RawQuery: url.Values{"_pragma": {"synchronous(" + synchronous + ")"}}.Encode()}

	listener := ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}
	if sock := filepath.Join(abs, "ferretdb.sock"); len(sock) < 100 {
		_ = os.Remove(sock) // left behind by a crash
		listener = ferretdb.ListenerConfig{Unix: sock}
	}
	quiet := slog.New(levelFilter{logger.Handler().WithGroup("ferretdb"), slog.LevelWarn})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: sqlite.String(),
		Logger:    quiet,
	})
	if err != nil {
		return "", nil, fmt.Errorf("database: start embedded FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		(&idIndexer{dir: abs, logger: logger}).run(runCtx)
	}()
	uri, err := waitURI(f, done)
	if listener.Unix != "" {
		// The driver wants the socket path escaped in the host part.
		uri = "mongodb://" + url.PathEscape(listener.Unix) + "/"
	}
	if err != nil {
		cancel()
		<-done
		<-indexed
		return "", nil, err
	}
	stop := func() {
		cancel()
		<-done
		<-indexed
	}
	return uri, stop, nil
}

// waitURI returns the URI once the listener is up. FerretDB only knows its
// address after Run has started listening.
func waitURI(f *ferretdb.FerretDB, done <-chan struct{}) (string, error) {
	got := make(chan string, 1)
	go func() { got <- f.MongoDBURI() }()
	select {
	case uri := <-got:
		return uri, nil
	case <-done:
		return "", errors.New("database: embedded FerretDB stopped at start")
	case <-time.After(30 * time.Second):
		return "", errors.New("database: embedded FerretDB did not start in 30s")
	}
}

// levelFilter keeps FerretDB's log to warnings and errors: it logs every
// connection at info level, which would drown Lontar's own log.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (h levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// Handle drops FerretDB's dumps of error replies: it logs every one at warn
// level with the whole wire message, and Lontar meets duplicate keys on
// purpose (an enrollment that exists, an event already applied).
func (h levelFilter) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "Response header") || strings.HasPrefix(r.Message, "Response message") {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}
func (h levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h.Handler.WithAttrs(a), h.min}
}
func (h levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{h.Handler.WithGroup(g), h.min}
}
