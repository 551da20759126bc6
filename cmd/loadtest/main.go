// Command loadtest runs a workshop against a Lontar server on this
// machine: N learners behind one address register in a wave, join a
// cohort, open courses, complete lessons directly and through /sync
// batches with deliberate duplicates, take quizzes and read their
// progress, while a trainer polls the roster (and an agency officer the
// summary, when the server has reports). Then everyone submits at once.
// It reports every endpoint's requests, errors, latency percentiles and
// bytes, the throughput, the server's CPU and memory, and the store's own
// floor (a bare read and write by _id) measured in the same run; at the
// end it checks that the server holds exactly what the clients were
// acknowledged.
//
//	go run ./cmd/loadtest                    # builds and starts ./server on a fresh data dir
//	go run ./cmd/loadtest -learners 120 -duration 30s
//	go run ./cmd/loadtest -sweep 100,200,300,400
//	go run ./cmd/loadtest -server /tmp/lontar-old -profile prof/
//	go run ./cmd/loadtest -url http://127.0.0.1:8080 -admin-phone … -admin-password … -pid 1234
//
// Only loopback targets are accepted: this is a tool for measuring a
// server on the same machine, not for loading someone else's.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is the run's settings, from flags.
type Config struct {
	URL           string
	Server        string
	Learners      int
	ThinkMin      time.Duration
	ThinkMax      time.Duration
	Ramp          time.Duration
	Duration      time.Duration
	SyncShare     float64
	Burst         bool
	BurstSpread   time.Duration
	RosterEvery   time.Duration
	SummaryEvery  time.Duration
	AdminPhone    string
	AdminPassword string
	PID           int
	StoreURI      string
	Profile       string
	Sweep         string
	Synchronous   string
	Keep          bool
}

func main() {
	var cfg Config
	flag.StringVar(&cfg.URL, "url", "", "a running server on loopback (default: build ./server and start it on a fresh data dir)")
	flag.StringVar(&cfg.Server, "server", "", "server binary to start (default: go build ./server)")
	flag.IntVar(&cfg.Learners, "learners", 300, "learners in the hall, behind one address")
	flag.DurationVar(&cfg.ThinkMin, "think-min", 2500*time.Millisecond, "shortest pause between a learner's steps")
	flag.DurationVar(&cfg.ThinkMax, "think-max", 7500*time.Millisecond, "longest pause between a learner's steps")
	flag.DurationVar(&cfg.Ramp, "ramp", 30*time.Second, "registration wave: learners arrive over this time")
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "the measured workshop after the last learner arrived")
	flag.Float64Var(&cfg.SyncShare, "sync-share", 0.5, "share of lesson completions sent through /sync")
	flag.BoolVar(&cfg.Burst, "burst", true, `after the workshop, "everyone submits now"`)
	flag.DurationVar(&cfg.BurstSpread, "burst-spread", 2*time.Second, "the burst's learners start within this time")
	flag.DurationVar(&cfg.RosterEvery, "roster-every", 5*time.Second, "the trainer refreshes the roster this often")
	flag.DurationVar(&cfg.SummaryEvery, "summary-every", 10*time.Second, "the agency officer refreshes the summary this often")
	flag.StringVar(&cfg.AdminPhone, "admin-phone", "081299990000", "admin login (started servers get it as the bootstrap admin)")
	flag.StringVar(&cfg.AdminPassword, "admin-password", "loadtest-admin-pw", "admin password")
	flag.IntVar(&cfg.PID, "pid", 0, "with -url: the server's process id, for CPU and memory")
	flag.StringVar(&cfg.StoreURI, "store-uri", "", "with -url: the server's store, for the floor (default: none)")
	flag.StringVar(&cfg.Profile, "profile", "", "write CPU, block, mutex and heap profiles of the server here (started servers only)")
	flag.StringVar(&cfg.Sweep, "sweep", "", "comma-separated learner counts: one short run each on a fresh server, then p99 per count (the knee)")
	flag.StringVar(&cfg.Synchronous, "synchronous", "full", "LONTAR_SQLITE_SYNCHRONOUS for started servers")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the started server's data dir")
	flag.Parse()
	if cfg.ThinkMax < cfg.ThinkMin || cfg.Learners < 1 {
		fmt.Fprintln(os.Stderr, "loadtest: need -learners ≥ 1 and -think-max ≥ -think-min")
		os.Exit(2)
	}
	if cfg.Sweep != "" {
		if err := sweep(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		return
	}
	res, err := runOnce(cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	if !res.ok {
		os.Exit(1)
	}
}

// result is what a sweep compares between runs.
type result struct {
	learners              int
	complete, sync, quiz  Summary
	burstQuiz             Summary
	requests, errors      int
	rps, cores            float64
	peakRSS               int64
	floorRead, floorWrite time.Duration // p50
	ok                    bool
}

func sweep(cfg Config) error {
	var results []result
	for _, f := range strings.Split(cfg.Sweep, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-sweep: %q is not a learner count", f)
		}
		c := cfg
		c.Learners = n
		fmt.Printf("\n######## %d learners\n", n)
		r, err := runOnce(c, os.Stdout)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	fmt.Println("\n== sweep: p99 of the writes a learner waits for (the knee is where one crosses 100 ms)")
	fmt.Printf("%8s %9s %9s %9s %9s %9s %7s %6s %6s %8s %8s\n", "learners", "complete", "sync", "quiz", "burst quiz", "req/s", "errors", "cores", "MB", "floor r", "floor w")
	for _, r := range results {
		fmt.Printf("%8d %9s %9s %9s %9s %9.0f %7d %6.2f %6d %8s %8s\n", r.learners, ms(r.complete.P99), ms(r.sync.P99),
			ms(r.quiz.P99), ms(r.burstQuiz.P99), r.rps, r.errors, r.cores, r.peakRSS>>20, ms(r.floorRead), ms(r.floorWrite))
	}
	return nil
}

func runOnce(cfg Config, out io.Writer) (result, error) {
	res := result{learners: cfg.Learners}
	var srv *server
	base := cfg.URL
	if base == "" {
		var err error
		if srv, err = startServer(cfg); err != nil {
			return res, err
		}
		defer srv.Stop(cfg.Keep)
		base = srv.url
		cfg.StoreURI = srv.storeURI
		cfg.PID = srv.cmd.Process.Pid
	}
	if err := checkLoopback(base); err != nil {
		return res, err
	}
	stop := make(chan struct{})
	defer close(stop)
	var proc *Process
	if cfg.PID > 0 {
		proc = WatchProcess(cfg.PID, 250*time.Millisecond, stop)
	}
	var floor *Floor
	if cfg.StoreURI != "" {
		var err error
		if floor, err = StartFloor(cfg.StoreURI, 50*time.Millisecond, stop); err != nil {
			return res, err
		}
	}

	w := newWorkshop(cfg, base)
	w.phase.Store(w.wave)
	if err := w.Setup(); err != nil {
		return res, err
	}
	fmt.Fprintf(out, "workshop: %d learners behind one address, think %s–%s, arrive over %s, then %s; %.0f%% of completions through /sync; server %s\n",
		cfg.Learners, cfg.ThinkMin, cfg.ThinkMax, cfg.Ramp, cfg.Duration, cfg.SyncShare*100, base)

	// The registration wave, then the workshop; every learner loops until
	// the end from the moment it has joined.
	start := time.Now()
	end := start.Add(cfg.Ramp + cfg.Duration)
	var mu sync.Mutex
	var joinErrs []error
	var wg sync.WaitGroup
	var profileDone chan error
	if srv != nil && cfg.Profile != "" && srv.pprof != "" {
		profileDone = make(chan error, 1)
		go func() {
			// The CPU profile covers the workshop after the wave.
			time.Sleep(cfg.Ramp)
			profileDone <- srv.Profiles(cfg.Profile, cfg.Duration-5*time.Second)
		}()
	}
	for n := range cfg.Learners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Arrivals are spread at random over the ramp, not in step.
			time.Sleep(time.Duration(float64(cfg.Ramp) * randFloat()))
			l, err := w.Join(n)
			mu.Lock()
			if err != nil {
				joinErrs = append(joinErrs, err)
				mu.Unlock()
				return
			}
			w.learners = append(w.learners, l)
			mu.Unlock()
			w.Loop(l, end)
		}()
	}
	go func() {
		// The wave is over: from now on the steady state is measured,
		// the server's CPU, memory and the floor included.
		time.Sleep(cfg.Ramp)
		w.phase.Store(w.steady)
		if proc != nil {
			proc.Reset()
		}
		if floor != nil {
			floor.Take()
		}
	}()
	var polls sync.WaitGroup
	polls.Add(2)
	go func() { defer polls.Done(); w.PollRoster(end, cfg.RosterEvery) }()
	go func() { defer polls.Done(); w.PollSummary(end, cfg.SummaryEvery) }()
	wg.Wait()
	polls.Wait()
	var cores float64
	var peak, mean int64
	if proc != nil {
		cores, peak, mean = proc.Usage()
	}
	var floorSteady FloorFigures
	if floor != nil {
		floorSteady = floor.Take()
	}
	if profileDone != nil {
		if err := <-profileDone; err != nil {
			fmt.Fprintln(out, "profiles:", err)
		} else {
			fmt.Fprintln(out, "profiles written to", cfg.Profile)
		}
	}

	w.wave.Print(out, fmt.Sprintf("registration wave (%d learners arrive over %s)", cfg.Learners, cfg.Ramp))
	w.steady.Print(out, fmt.Sprintf("steady state (%s after the last arrival; trainer polls every %s)", cfg.Duration, cfg.RosterEvery))
	if len(joinErrs) > 0 {
		fmt.Fprintf(out, "  %d learners could not join, first: %v\n", len(joinErrs), joinErrs[0])
	}
	if proc != nil {
		fmt.Fprintf(out, "server in the steady state: %.2f cores mean CPU, memory peak %d MB, mean %d MB\n", cores, peak>>20, mean>>20)
	}
	if floor != nil {
		floorSteady.Print(out, w.steady)
	}

	if cfg.Burst {
		if proc != nil {
			proc.Reset()
		}
		at := time.Now().Add(500 * time.Millisecond)
		w.phase.Store(w.burst)
		var bw sync.WaitGroup
		for _, l := range w.learners {
			bw.Add(1)
			go func() { defer bw.Done(); w.Burst(l, at) }()
		}
		bw.Wait()
		w.burst.Print(out, fmt.Sprintf(`burst: "everyone finish the lesson and submit the final now" (%d learners within %s)`, len(w.learners), cfg.BurstSpread))
		if proc != nil {
			c, p, _ := proc.Usage()
			fmt.Fprintf(out, "server during the burst: %.2f cores, memory peak %d MB\n", c, p>>20)
			peak = max(peak, p)
		}
		if floor != nil {
			floor.Take().Print(out, nil)
		}
	}

	report, ok := w.Verify()
	fmt.Fprintln(out, "\n== check: the server's records against what clients were acknowledged")
	for _, line := range report {
		fmt.Fprintln(out, "  "+line)
	}
	if ok {
		fmt.Fprintln(out, "  OK: nothing lost, nothing counted twice")
	} else {
		fmt.Fprintln(out, "  FAILED")
	}

	req, errs, span := w.steady.Totals()
	_, waveErrs, _ := w.wave.Totals()
	res.requests, res.errors = req, errs+waveErrs+len(joinErrs)
	res.rps = float64(req) / max(span.Seconds(), 0.001)
	res.complete = w.steady.Get("POST .../lessons/{id}/complete")
	res.sync = w.steady.Get("POST /sync (2, 1 duplicate)")
	res.quiz = w.steady.Get("POST /quizzes/{id}/attempts")
	res.burstQuiz = w.burst.Get("POST /quizzes/{id}/attempts")
	res.cores, res.peakRSS = cores, peak
	if proc != nil {
		res.peakRSS = proc.PeakRSS()
		fmt.Fprintf(out, "server memory peak over the whole run (wave included): %d MB\n", res.peakRSS>>20)
	}
	res.floorRead, res.floorWrite = floorSteady.Read.P50, floorSteady.Write.P50
	res.ok = ok && len(joinErrs) == 0
	return res, nil
}

var (
	randMu  sync.Mutex
	randSrc = time.Now().UnixNano()
)

// randFloat is a uniform number in [0, 1) (math/rand/v2 would do; this
// keeps arrival times independent of the learners' own generators).
func randFloat() float64 {
	randMu.Lock()
	defer randMu.Unlock()
	randSrc = randSrc*6364136223846793005 + 1442695040888963407
	return float64(uint64(randSrc)>>11) / (1 << 53)
}

// checkLoopback refuses any target that is not this machine.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %q: only loopback targets are allowed", base)
}

// server is a Lontar server this tool started.
type server struct {
	cmd      *exec.Cmd
	dir      string
	url      string
	pprof    string
	storeURI string
	log      *os.File
}

func startServer(cfg Config) (*server, error) {
	// A short path keeps the embedded store on a unix socket in the data
	// dir, which the floor connects to.
	dir, err := os.MkdirTemp("/tmp", "lontar-load-")
	if err != nil {
		return nil, err
	}
	bin := cfg.Server
	if bin == "" {
		bin = filepath.Join(dir, "lontar-server")
		build := exec.Command("go", "build", "-o", bin, "./server")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build ./server (run from the repository root): %w", err)
		}
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"LONTAR_ADDR=127.0.0.1:0",
		"LONTAR_DATA_DIR="+filepath.Join(dir, "data"),
		"LONTAR_BOOTSTRAP_ADMIN_PHONE="+cfg.AdminPhone,
		"LONTAR_BOOTSTRAP_ADMIN_PASSWORD="+cfg.AdminPassword,
		"LONTAR_SQLITE_SYNCHRONOUS="+cfg.Synchronous,
		"LONTAR_PPROF_ADDR=127.0.0.1:0",
		"MONGODB_URI=",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, dir: dir, log: logf,
		storeURI: "mongodb://" + url.PathEscape(filepath.Join(dir, "data", "db", "ferretdb.sock")) + "/"}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if _, after, ok := strings.Cut(line, "pprof on "); ok {
				s.pprof = strings.Fields(after)[0]
			}
			if _, after, ok := strings.Cut(line, "listening on "); ok && s.url == "" {
				s.url = strings.TrimRight(strings.Fields(after)[0], `"`)
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		s.Stop(true)
		return nil, fmt.Errorf("server did not start in 60 s; see %s", logf.Name())
	}
	if s.pprof != "" {
		s.pprof = strings.TrimRight(s.pprof, `"`)
	}
	return s, nil
}

// Stop ends the server gracefully and removes its data unless kept.
func (s *server) Stop(keep bool) {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.log.Close()
	if keep {
		fmt.Println("server data and log kept in", s.dir)
		return
	}
	_ = os.RemoveAll(s.dir)
}

// Profiles saves a CPU profile over d, then block, mutex, heap and
// goroutine profiles, from the server's pprof listener.
func (s *server) Profiles(dir string, d time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	get := func(name, path string, timeout time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := httpNewRequest(ctx, s.pprof+path)
		resp, err := httpDefault.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		_, err = io.Copy(f, resp.Body)
		return errors.Join(err, f.Close())
	}
	secs := max(1, int(d.Seconds()))
	if err := get("cpu.pprof", fmt.Sprintf("profile?seconds=%d", secs), d+30*time.Second); err != nil {
		return err
	}
	for _, p := range []string{"block", "mutex", "heap", "goroutine"} {
		if err := get(p+".pprof", p, 30*time.Second); err != nil {
			return err
		}
	}
	return nil
}
