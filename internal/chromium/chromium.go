// Package chromium finds the Chromium that the e2e tests and Lighthouse
// drive.
package chromium

import (
	"fmt"
	"os"
	"os/exec"
)

// Find returns the browser named by the environment variable env when set,
// else /usr/bin/chromium or the first of chromium, chromium-browser,
// google-chrome in PATH.
func Find(env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", env, p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome; apt-get install -y chromium, or set %s)", env)
}
