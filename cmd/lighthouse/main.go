//go:build !(js && wasm)

// Command lighthouse runs Lighthouse's accessibility, best practices and SEO
// audits on both views of a built site (the "Your browser" lab and the
// traffic lab, ?view=traffic), at Lighthouse's mobile and desktop form
// factors, and prints one "lighthouse_<view>_<form factor>_<category>: score"
// line per score. It exits 1 if any score is below -min.
//
// Usage (make lighthouse does all of this):
//
//	go run ./cmd/site -wasm bin/app.wasm -out bin/lighthouse/dist -base /stickylab
//	go run ./cmd/lighthouse -dist bin/lighthouse/dist -base /stickylab \
//		-lighthouse bin/node_modules/.bin/lighthouse -out bin/lighthouse
//
// It serves -dist under -base itself, with the same handler as
// cmd/site -serve (gzip like GitHub Pages), on a free loopback port. Each
// run's report is written to -out as <view>-<form factor>.report.json and
// .report.html.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/stickylab/stickylab/internal/chromium"
	"github.com/stickylab/stickylab/internal/site"
)

// categories are the Lighthouse categories audited; performance is left to
// make bench (Lighthouse's simulated throttling says little on loopback).
var categories = []string{"accessibility", "best-practices", "seo"}

// views are the lab's two tabs, by the value of their view parameter.
var views = []struct{ name, query string }{
	{"browser", ""},
	{"traffic", "?view=traffic"},
}

var formFactors = []string{"mobile", "desktop"}

func main() {
	var (
		dist       = flag.String("dist", "bin/lighthouse/dist", "the site built by cmd/site for -base")
		base       = flag.String("base", "/stickylab", "URL path the site was built for")
		lighthouse = flag.String("lighthouse", "bin/node_modules/.bin/lighthouse", "the Lighthouse CLI (npm)")
		out        = flag.String("out", "bin/lighthouse", "directory of the reports")
		min        = flag.Int("min", 100, "the lowest score accepted in each category")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("lighthouse: ")

	b, err := site.CleanBase(*base)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(*dist, "index.html")); err != nil {
		log.Fatalf("no built site in %s (make site): %v", *dist, err)
	}
	if _, err := os.Stat(*lighthouse); err != nil {
		log.Fatalf("no Lighthouse at %s (make lighthouse installs it): %v", *lighthouse, err)
	}
	chrome, err := findChromium()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(b+"/", site.Handler(*dist, b))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	root := "http://" + ln.Addr().String() + b + "/"

	failed, said := false, false
	for _, v := range views {
		for _, ff := range formFactors {
			name := v.name + "-" + ff
			path := filepath.Join(*out, name)
			if err := run(*lighthouse, chrome, root+v.query, ff, path); err != nil {
				log.Printf("%s: %v", name, err)
				failed = true
				continue
			}
			r, err := readReport(path + ".report.json")
			if err != nil {
				log.Printf("%s: %v", name, err)
				failed = true
				continue
			}
			if !said {
				log.Printf("Lighthouse %s, %s, %s", r.LighthouseVersion, chrome, root)
				said = true
			}
			for _, line := range r.lines(v.name+"_"+ff, categories) {
				fmt.Println(line)
			}
			for _, f := range r.failures(categories, *min) {
				log.Printf("%s: %s", name, f)
				failed = true
			}
		}
	}
	if failed {
		log.Printf("reports in %s", *out)
		srv.Close()
		os.Exit(1)
	}
}

// run runs Lighthouse once on url, writing path.report.json and
// path.report.html.
func run(lighthouse, chrome, url, formFactor, path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{url,
		"--only-categories=" + strings.Join(categories, ","),
		// --no-sandbox: Chromium refuses to start as root without it (CI).
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu",
		"--output=json", "--output=html", "--output-path=" + path,
		"--quiet",
	}
	if formFactor == "desktop" {
		args = append(args, "--preset=desktop")
	}
	cmd := exec.CommandContext(ctx, lighthouse, args...)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("lighthouse timed out: %w", err)
		}
		return fmt.Errorf("lighthouse: %w", err)
	}
	return nil
}

// findChromium returns the browser to drive: $CHROME_PATH, or chromium.Find's.
func findChromium() (string, error) { return chromium.Find("CHROME_PATH") }
