package main

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Config is the whole configuration, read once from the environment.
type Config struct {
	Addr                   string // LONTAR_ADDR
	DataDir                string // LONTAR_DATA_DIR
	MongoURI               string // MONGODB_URI; empty = embedded store
	DBName                 string // LONTAR_DB_NAME
	BootstrapAdminPhone    string // LONTAR_BOOTSTRAP_ADMIN_PHONE
	BootstrapAdminPassword string // LONTAR_BOOTSTRAP_ADMIN_PASSWORD
	PublicURL              string // LONTAR_PUBLIC_URL; default: the listen URL
	SQLiteSynchronous      string // LONTAR_SQLITE_SYNCHRONOUS: full (default) or normal
	LogFormat              string // LONTAR_LOG_FORMAT: text (default) or json
	TrustedProxies         []string
	HomeRegion             string // LONTAR_HOME_REGION: BPS code listed first in region pickers
	DataPricePerGB         int    // LONTAR_DATA_PRICE_PER_GB: Rupiah, for "what saving a course costs"
	// PprofAddr serves net/http/pprof (with block and mutex profiling on)
	// on this loopback address; empty (the default) serves nothing.
	PprofAddr      string // LONTAR_PPROF_ADDR
	RebuildReports bool   // LONTAR_REBUILD_REPORTS=1: recompute the report aggregates at start
}

// defaultDataPricePerGB is Rupiah per GB of a common prepaid data package
// (about Rp 70.000 for 20 GB); operators set their region's price.
const defaultDataPricePerGB = 3500

// loadConfig reads the configuration through getenv (os.Getenv in main, a
// map in tests), applies defaults and reports every problem at once.
func loadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:                   get("LONTAR_ADDR", "127.0.0.1:8080"),
		DataDir:                get("LONTAR_DATA_DIR", "./data"),
		MongoURI:               get("MONGODB_URI", ""),
		DBName:                 get("LONTAR_DB_NAME", "lontar"),
		BootstrapAdminPhone:    get("LONTAR_BOOTSTRAP_ADMIN_PHONE", ""),
		BootstrapAdminPassword: getenv("LONTAR_BOOTSTRAP_ADMIN_PASSWORD"),
		PublicURL:              strings.TrimRight(get("LONTAR_PUBLIC_URL", ""), "/"),
		SQLiteSynchronous:      get("LONTAR_SQLITE_SYNCHRONOUS", "full"),
		LogFormat:              get("LONTAR_LOG_FORMAT", "text"),
		HomeRegion:             get("LONTAR_HOME_REGION", "5371"),
		PprofAddr:              get("LONTAR_PPROF_ADDR", ""),
	}
	if p := get("LONTAR_TRUSTED_PROXIES", ""); p != "" {
		for _, s := range strings.Split(p, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(s))
		}
	}
	var errs []error
	c.DataPricePerGB = defaultDataPricePerGB
	if p := get("LONTAR_DATA_PRICE_PER_GB", ""); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("LONTAR_DATA_PRICE_PER_GB %q: want whole Rupiah, 0 or more", p))
		}
		c.DataPricePerGB = n
	}
	if !regexp.MustCompile(`^[0-9]{2,10}$`).MatchString(c.HomeRegion) {
		errs = append(errs, fmt.Errorf("LONTAR_HOME_REGION %q: want a BPS region code such as 5371", c.HomeRegion))
	}
	switch v := get("LONTAR_REBUILD_REPORTS", ""); v {
	case "", "0", "false":
	case "1", "true":
		c.RebuildReports = true
	default:
		errs = append(errs, fmt.Errorf("LONTAR_REBUILD_REPORTS %q: want 1 or 0", v))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("LONTAR_ADDR %q: want host:port", c.Addr))
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		errs = append(errs, errors.New("MONGODB_URI must start with mongodb:// or mongodb+srv://"))
	}
	if (c.BootstrapAdminPhone == "") != (c.BootstrapAdminPassword == "") {
		errs = append(errs, errors.New("set both LONTAR_BOOTSTRAP_ADMIN_PHONE and LONTAR_BOOTSTRAP_ADMIN_PASSWORD, or neither"))
	}
	switch c.SQLiteSynchronous {
	case "full", "normal":
	default:
		errs = append(errs, fmt.Errorf("LONTAR_SQLITE_SYNCHRONOUS %q: want full or normal", c.SQLiteSynchronous))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("LONTAR_LOG_FORMAT %q: want text or json", c.LogFormat))
	}
	if c.PprofAddr != "" {
		// Profiles show internals: never on a public interface.
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			errs = append(errs, fmt.Errorf("LONTAR_PPROF_ADDR %q: want a loopback host:port", c.PprofAddr))
		}
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		errs = append(errs, fmt.Errorf("LONTAR_PUBLIC_URL %q: want an http(s) URL", c.PublicURL))
	}
	return c, errors.Join(errs...)
}
