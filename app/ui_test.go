package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// TestCamelBreaks puts a break opportunity between the words of a long
// CamelCase name, and nowhere else.
func TestCamelBreaks(t *testing.T) {
	for in, want := range map[string]string{
		"NonStickyRequestCount: stickiness on, new pick":               "Non|Sticky|Request|Count: stickiness on, new pick",
		"a Classic Load Balancer has no NonStickyRequestCount metric)": "a Classic Load Balancer has no Non|Sticky|Request|Count metric)",
		"HTTPCode_ELB_502_Count, HTTPCode_ELB_503_Count":               "HTTPCode_ELB_502_Count, HTTPCode_ELB_503_Count",
		"SessionID and AWSALB":                                         "SessionID and AWSALB",
		"":                                                             "",
	} {
		var b strings.Builder
		for _, ui := range camelBreaks(in) {
			if h := app.HTMLString(ui); strings.HasPrefix(h, "<wbr>") {
				b.WriteString("|")
			} else {
				b.WriteString(h)
			}
		}
		if got := b.String(); got != want {
			t.Errorf("camelBreaks(%q) = %q, want %q", in, got, want)
		}
	}
}
