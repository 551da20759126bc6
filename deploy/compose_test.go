package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// repoRoot is where docker-compose.yml and the Dockerfile live.
const repoRoot = ".."

// loadProject loads ../docker-compose.yml the way `docker compose` does,
// but interpolating from an empty environment, so the test sees the file's
// own defaults and not whatever the machine running it has set.
func loadProject(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot),
		cli.WithEnv(nil),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %q: %v (services: %v)", name, err, p.ServiceNames())
	}
	return s
}

// volumeOn returns the named volume mounted at target, or fails.
func volumeOn(t *testing.T, p *types.Project, s types.ServiceConfig, target string) types.ServiceVolumeConfig {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Target == target {
			if v.Type != types.VolumeTypeVolume {
				t.Errorf("%s: %s is a %s mount, want a named volume", s.Name, target, v.Type)
			}
			if _, ok := p.Volumes[v.Source]; !ok {
				t.Errorf("%s: volume %q on %s is not declared under volumes:", s.Name, v.Source, target)
			}
			return v
		}
	}
	t.Fatalf("%s: no volume on %s (volumes: %+v)", s.Name, target, s.Volumes)
	return types.ServiceVolumeConfig{}
}

func env(s types.ServiceConfig, key string) (string, bool) {
	v, ok := s.Environment[key]
	if !ok || v == nil {
		return "", false
	}
	return *v, true
}

func TestComposeMongo(t *testing.T) {
	p := loadProject(t)
	mongo := service(t, p, "mongo")

	if !strings.HasPrefix(mongo.Image, "mongo:") {
		t.Errorf("mongo image = %q, want the official mongo:<tag>", mongo.Image)
	}
	cmd := []string(mongo.Command)
	if i := slices.Index(cmd, "--replSet"); i < 0 || i+1 >= len(cmd) || cmd[i+1] != "rs0" {
		t.Errorf("mongo command = %q, want --replSet rs0", cmd)
	}
	if !slices.Contains(cmd, "--bind_ip_all") {
		t.Errorf("mongo command = %q, want --bind_ip_all", cmd)
	}
	volumeOn(t, p, mongo, "/data/db")

	hc := mongo.HealthCheck
	if hc == nil || hc.Disable || len(hc.Test) == 0 {
		t.Fatalf("mongo has no healthcheck: %+v", hc)
	}
	test := strings.Join(hc.Test, " ")
	for _, want := range []string{"mongosh", "rs.initiate", "_id:'rs0'", "host:'mongo:27017'"} {
		if !strings.Contains(test, want) {
			t.Errorf("mongo healthcheck %q does not contain %q", test, want)
		}
	}
	if hc.Interval == nil || hc.Retries == nil || *hc.Retries == 0 || hc.StartPeriod == nil {
		t.Errorf("mongo healthcheck needs interval, retries and start_period: %+v", hc)
	}
}

func TestComposeLontar(t *testing.T) {
	p := loadProject(t)
	app := service(t, p, "lontar")

	if app.Build == nil {
		t.Fatal("lontar has no build section")
	}
	if app.Build.Context != "." {
		t.Errorf("build context = %q, want .", app.Build.Context)
	}
	if app.Build.Dockerfile != "Dockerfile" {
		t.Errorf("build dockerfile = %q, want Dockerfile", app.Build.Dockerfile)
	}

	dep, ok := app.DependsOn["mongo"]
	if !ok {
		t.Fatalf("lontar does not depend on mongo: %+v", app.DependsOn)
	}
	if dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("depends_on mongo condition = %q, want %q", dep.Condition, types.ServiceConditionHealthy)
	}

	uri, ok := env(app, "MONGODB_URI")
	if !ok {
		t.Fatal("lontar has no MONGODB_URI")
	}
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		t.Fatalf("MONGODB_URI %q: %v", uri, err)
	}
	if cs.Scheme != connstring.SchemeMongoDB || !slices.Equal(cs.Hosts, []string{"mongo:27017"}) {
		t.Errorf("MONGODB_URI %q: scheme %s hosts %v, want mongodb://mongo:27017", uri, cs.Scheme, cs.Hosts)
	}
	if cs.ReplicaSet != "rs0" {
		t.Errorf("MONGODB_URI %q: replicaSet = %q, want rs0", uri, cs.ReplicaSet)
	}

	if db, _ := env(app, "LONTAR_DB_NAME"); db != "lontar" {
		t.Errorf("LONTAR_DB_NAME = %q, want lontar", db)
	}
	if u, ok := env(app, "LONTAR_PUBLIC_URL"); !ok || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
		t.Errorf("LONTAR_PUBLIC_URL = %q (set %v), want an http(s) URL", u, ok)
	}
	// With an empty environment the bootstrap admin is off, and both halves
	// agree (the server refuses a phone without a password).
	phone, okPhone := env(app, "LONTAR_BOOTSTRAP_ADMIN_PHONE")
	pass, okPass := env(app, "LONTAR_BOOTSTRAP_ADMIN_PASSWORD")
	if !okPhone || !okPass || phone != "" || pass != "" {
		t.Errorf("bootstrap admin with an empty environment: phone %q (%v), password %q (%v); want both present and empty",
			phone, okPhone, pass, okPass)
	}

	published := false
	for _, port := range app.Ports {
		if port.Target == 8080 && port.Published == "8080" {
			published = true
		}
	}
	if !published {
		t.Errorf("lontar ports = %+v, want 8080:8080", app.Ports)
	}
	volumeOn(t, p, app, "/data")
}

// TestComposeHostEnvironment checks that the bootstrap admin is taken from
// the host's environment.
func TestComposeHostEnvironment(t *testing.T) {
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot),
		cli.WithEnv([]string{
			"LONTAR_BOOTSTRAP_ADMIN_PHONE=+6281234567890",
			"LONTAR_BOOTSTRAP_ADMIN_PASSWORD=s3cret-pass",
			"LONTAR_PUBLIC_URL=https://lontar.example.org",
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	app := service(t, p, "lontar")
	for key, want := range map[string]string{
		"LONTAR_BOOTSTRAP_ADMIN_PHONE":    "+6281234567890",
		"LONTAR_BOOTSTRAP_ADMIN_PASSWORD": "s3cret-pass",
		"LONTAR_PUBLIC_URL":               "https://lontar.example.org",
	} {
		if got, _ := env(app, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	build := regexp.MustCompile(`(?m)^RUN .*CGO_ENABLED=0 go build .*-o /lontar \./server\s*$`)
	if !build.MatchString(df) {
		t.Error("Dockerfile does not build ./server into /lontar with CGO_ENABLED=0")
	}
	if _, err := os.Stat(filepath.Join(repoRoot, "server", "main.go")); err != nil {
		t.Errorf("the Dockerfile builds ./server, but: %v", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^FROM golang:1\.26\S* AS build$`),
		regexp.MustCompile(`(?m)^USER [^r0]\S*$`), // not root
		regexp.MustCompile(`LONTAR_ADDR=0\.0\.0\.0:8080`),
		regexp.MustCompile(`LONTAR_DATA_DIR=/data`),
		regexp.MustCompile(`(?m)^VOLUME /data$`),
		regexp.MustCompile(`(?m)^EXPOSE 8080$`),
		regexp.MustCompile(`(?m)^HEALTHCHECK .*\n?.*http://127\.0\.0\.1:8080/readyz`),
	} {
		if !want.MatchString(df) {
			t.Errorf("Dockerfile does not match %s", want)
		}
	}
	// The runtime stage is the last FROM and copies the binary from build.
	froms := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(df, -1)
	if len(froms) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a multi-stage build", len(froms))
	}
	if rt := froms[len(froms)-1][1]; strings.HasPrefix(rt, "golang") {
		t.Errorf("runtime image is %s, want a small image without the toolchain", rt)
	}
	if !strings.Contains(df, "COPY --from=build /lontar ") {
		t.Error("runtime stage does not copy /lontar from the build stage")
	}
}
