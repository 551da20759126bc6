package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Client sends one user's requests to the API and records them in Stats.
type Client struct {
	base  string // http://host:port/api/v1
	http  *http.Client
	token string
	stats *Stats
	// phase, when set, is where requests are recorded instead of stats:
	// the registration wave and the steady state are reported apart.
	phase *atomic.Pointer[Stats]
}

// apiError is an answer with an unexpected status.
type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string {
	if len(e.Body) > 200 {
		e.Body = e.Body[:200]
	}
	return fmt.Sprintf("status %d: %s", e.Status, e.Body)
}

// Do sends the request, records it under name and decodes a JSON answer
// into out (if not nil). Any status other than want is an error. Bodies
// are asked for gzip-compressed, as the web app's browser does, and the
// compressed size is what is counted.
func (c *Client) Do(name, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept-Language", "id")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	var raw []byte
	if err == nil {
		raw, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	d := time.Since(start)
	if err == nil && resp.StatusCode != want {
		err = &apiError{Status: resp.StatusCode, Body: string(decompress(resp, raw))}
	}
	if err == nil && out != nil {
		if jerr := json.Unmarshal(decompress(resp, raw), out); jerr != nil {
			err = fmt.Errorf("decode %s: %w", name, jerr)
		}
	}
	stats := c.stats
	if c.phase != nil {
		stats = c.phase.Load()
	}
	stats.Add(name, start, d, int64(len(raw)), err)
	return err
}

func decompress(resp *http.Response, raw []byte) []byte {
	if resp.Header.Get("Content-Encoding") != "gzip" {
		return raw
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return raw
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return raw
	}
	return b
}
