package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Stats collects every request of one phase by endpoint name.
type Stats struct {
	mu        sync.Mutex
	endpoints map[string]*endpointStats
	first     time.Time
	last      time.Time
	errors    []string // the first few error messages, for the report
}

type endpointStats struct {
	lat    []time.Duration
	errors int
	bytes  int64
}

// NewStats returns empty stats.
func NewStats() *Stats { return &Stats{endpoints: map[string]*endpointStats{}} }

// Add records one request.
func (s *Stats) Add(name string, start time.Time, d time.Duration, n int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.endpoints[name]
	if e == nil {
		e = &endpointStats{}
		s.endpoints[name] = e
	}
	e.lat = append(e.lat, d)
	e.bytes += n
	if err != nil {
		e.errors++
		if len(s.errors) < 10 {
			s.errors = append(s.errors, name+": "+err.Error())
		}
	}
	if s.first.IsZero() || start.Before(s.first) {
		s.first = start
	}
	if end := start.Add(d); end.After(s.last) {
		s.last = end
	}
}

// Summary is one endpoint's figures.
type Summary struct {
	Name          string
	Requests      int
	Errors        int
	P50, P95, P99 time.Duration
	Max           time.Duration
	Bytes         int64
}

// Summaries returns the figures of every endpoint, sorted by name.
func (s *Stats) Summaries() []Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Summary, 0, len(s.endpoints))
	for name, e := range s.endpoints {
		lat := slices.Clone(e.lat)
		slices.Sort(lat)
		out = append(out, Summary{Name: name, Requests: len(lat), Errors: e.errors,
			P50: quantile(lat, 0.50), P95: quantile(lat, 0.95), P99: quantile(lat, 0.99),
			Max: quantile(lat, 1), Bytes: e.bytes})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Totals returns the number of requests and errors and the span they took.
func (s *Stats) Totals() (requests, errors int, span time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.endpoints {
		requests += len(e.lat)
		errors += e.errors
	}
	return requests, errors, s.last.Sub(s.first)
}

// Get returns one endpoint's figures (zero if it had no requests).
func (s *Stats) Get(name string) Summary {
	for _, sm := range s.Summaries() {
		if sm.Name == name {
			return sm
		}
	}
	return Summary{Name: name}
}

// quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Print writes the phase's table.
func (s *Stats) Print(w io.Writer, title string) {
	req, errs, span := s.Totals()
	fmt.Fprintf(w, "\n== %s: %d requests, %d errors, %.1f s, %.0f requests/s\n", title, req, errs,
		span.Seconds(), float64(req)/max(span.Seconds(), 0.001))
	fmt.Fprintf(w, "%-34s %8s %6s %9s %9s %9s %9s %10s\n", "endpoint", "requests", "errors", "p50", "p95", "p99", "max", "KB/req")
	for _, sm := range s.Summaries() {
		fmt.Fprintf(w, "%-34s %8d %6d %9s %9s %9s %9s %10.2f\n", sm.Name, sm.Requests, sm.Errors,
			ms(sm.P50), ms(sm.P95), ms(sm.P99), ms(sm.Max), float64(sm.Bytes)/1024/float64(max(sm.Requests, 1)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errors {
		fmt.Fprintln(w, "  error:", e)
	}
}

// ms formats a duration in milliseconds with sensible precision.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 10:
		return strconv.FormatFloat(f, 'f', 2, 64) + "ms"
	case f < 100:
		return strconv.FormatFloat(f, 'f', 1, 64) + "ms"
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + "ms"
}

// Process samples a local process's CPU time and memory from /proc.
type Process struct {
	pid       int
	mu        sync.Mutex
	peakRSS   int64
	allPeak   int64 // since the start, never reset
	rssSum    int64
	samples   int
	startCPU  time.Duration
	startTime time.Time
}

// WatchProcess starts sampling pid every interval until stop is closed.
func WatchProcess(pid int, interval time.Duration, stop <-chan struct{}) *Process {
	p := &Process{pid: pid}
	p.Reset()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if rss, err := p.rss(); err == nil {
					p.mu.Lock()
					p.peakRSS = max(p.peakRSS, rss)
					p.allPeak = max(p.allPeak, rss)
					p.rssSum += rss
					p.samples++
					p.mu.Unlock()
				}
			}
		}
	}()
	return p
}

// Reset starts a new measuring window.
func (p *Process) Reset() {
	cpu, _ := p.cpu()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.startCPU, p.startTime = cpu, time.Now()
	p.peakRSS, p.rssSum, p.samples = 0, 0, 0
}

// Usage returns the mean CPU (in cores) since Reset, and the peak and mean
// resident memory.
func (p *Process) Usage() (cores float64, peakRSS, meanRSS int64) {
	cpu, _ := p.cpu()
	p.mu.Lock()
	defer p.mu.Unlock()
	cores = float64(cpu-p.startCPU) / float64(time.Since(p.startTime))
	if p.samples > 0 {
		meanRSS = p.rssSum / int64(p.samples)
	}
	return cores, p.peakRSS, meanRSS
}

// PeakRSS is the highest resident memory seen since the start.
func (p *Process) PeakRSS() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.allPeak
}

func (p *Process) cpu() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces) start at ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc stat")
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

func (p *Process) rss() (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
