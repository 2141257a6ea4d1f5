package browsertest

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestMain stops the shared browser once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	chromium.stop()
	os.Exit(code)
}

// chromium is the one browser every test of this binary shares. Each test
// works in browser contexts of its own (cookies and storage apart, as
// separate profiles would keep them), without paying for a browser's start
// each time: on a small machine that start was seconds a test.
var chromium sharedBrowser

type sharedBrowser struct {
	once    sync.Once
	ctx     context.Context
	cancel  context.CancelFunc
	profile string
	err     error
}

// start launches the browser at path on the first call; later calls get the
// same browser, or the same error.
func (b *sharedBrowser) start(path string) (context.Context, error) {
	b.once.Do(func() { b.ctx, b.err = b.launch(path) })
	return b.ctx, b.err
}

func (b *sharedBrowser) launch(path string) (context.Context, error) {
	profile, err := os.MkdirTemp("", "centerdesk-chromium-")
	if err != nil {
		return nil, err
	}
	b.profile = profile
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(quietErrorf))
	b.cancel = func() { cancelBrowser(); cancelAlloc() }
	if err := chromedp.Run(ctx); err != nil {
		return nil, fmt.Errorf("start Chromium (%s): %w", path, err)
	}
	return ctx, nil
}

// stop ends the browser and removes its profile. Chromium's helper
// processes may still write to it for a moment after the browser is
// stopped, so the removal is retried.
func (b *sharedBrowser) stop() {
	if b.cancel != nil {
		b.cancel()
	}
	if b.profile == "" {
		return
	}
	var err error
	for range 50 {
		if err = os.RemoveAll(b.profile); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	log.Printf("remove the browser profile %s: %v", b.profile, err)
}

// quietErrorf logs chromedp's errors except the events of a Chromium newer
// than its protocol bindings, which it cannot decode and does not need.
func quietErrorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(msg, "could not unmarshal event") {
		return
	}
	log.Print("chromedp: " + msg)
}
