package chromium

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindTheVariable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "my-chromium")
	if err := os.WriteFile(p, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_CHROMIUM", p)
	if got, err := Find("TEST_CHROMIUM"); err != nil || got != p {
		t.Fatalf("Find: %q, %v", got, err)
	}
	t.Setenv("TEST_CHROMIUM", p+"-missing")
	if _, err := Find("TEST_CHROMIUM"); err == nil || !strings.Contains(err.Error(), "TEST_CHROMIUM=") {
		t.Fatalf("a missing file: %v", err)
	}
}
