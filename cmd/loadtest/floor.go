package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

var httpDefault = &http.Client{}

func httpNewRequest(ctx context.Context, u string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, "GET", u, nil)
}

// Floor measures, while the workshop runs, the cheapest thing the server
// could do per request: one read and one acknowledged write by _id on the
// same store, through a connection of its own. An endpoint's latency over
// the floor is the server's own overhead (queueing included).
type Floor struct {
	mu          sync.Mutex
	read, write []time.Duration
}

// FloorFigures are the floor's percentiles over one phase.
type FloorFigures struct {
	Read, Write Summary
}

// StartFloor samples a read and a write every interval until stop closes.
func StartFloor(uri string, interval time.Duration, stop <-chan struct{}) (*Floor, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMaxPoolSize(1).SetAppName("loadtest-floor"))
	if err != nil {
		return nil, fmt.Errorf("floor: connect to %s: %w", uri, err)
	}
	coll := client.Database("loadtest_floor").Collection("floor")
	ctx := context.Background()
	for i := range 100 {
		_, err := coll.UpdateOne(ctx, bson.M{"_id": fmt.Sprint(i)}, bson.M{"$set": bson.M{"n": 0, "pad": "sei tenun sasando"}},
			options.UpdateOne().SetUpsert(true))
		if err != nil {
			return nil, fmt.Errorf("floor: prepare: %w", err)
		}
	}
	f := &Floor{}
	go func() {
		defer client.Disconnect(context.Background())
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			id := fmt.Sprint(rand.IntN(100))
			start := time.Now()
			err := coll.FindOne(ctx, bson.M{"_id": id}).Err()
			rd := time.Since(start)
			start = time.Now()
			_, werr := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"n": 1}})
			wd := time.Since(start)
			if err != nil || werr != nil {
				continue
			}
			f.mu.Lock()
			f.read = append(f.read, rd)
			f.write = append(f.write, wd)
			f.mu.Unlock()
		}
	}()
	return f, nil
}

// Take returns the figures since the last Take and starts a new phase.
func (f *Floor) Take() FloorFigures {
	f.mu.Lock()
	r, w := f.read, f.write
	f.read, f.write = nil, nil
	f.mu.Unlock()
	sum := func(name string, d []time.Duration) Summary {
		slices.Sort(d)
		return Summary{Name: name, Requests: len(d), P50: quantile(d, .5), P95: quantile(d, .95), P99: quantile(d, .99), Max: quantile(d, 1)}
	}
	return FloorFigures{Read: sum("floor: read by _id", r), Write: sum("floor: write by _id", w)}
}

// Print writes the floor and, with stats, each write endpoint's p50 as a
// multiple of it.
func (ff FloorFigures) Print(w io.Writer, stats *Stats) {
	fmt.Fprintf(w, "floor (same store, own connection, during the phase):\n")
	for _, s := range []Summary{ff.Read, ff.Write} {
		fmt.Fprintf(w, "  %-30s %6d samples  p50 %s  p95 %s  p99 %s  max %s\n", s.Name, s.Requests, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	if stats == nil || ff.Write.P50 == 0 {
		return
	}
	fmt.Fprintf(w, "  endpoint p50 over the floor write p50:")
	for _, s := range stats.Summaries() {
		fmt.Fprintf(w, " %s ×%.1f;", s.Name, float64(s.P50)/float64(ff.Write.P50))
	}
	fmt.Fprintln(w)
}
