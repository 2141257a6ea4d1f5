// Package browsertest drives the real server with a real browser (Debian's
// Chromium through github.com/chromedp/chromedp): agents sign in, work the
// inbox and tickets, see each other live; a customer uses the portal; a
// phone-sized window still works. It holds only tests.
//
// Chromium must be installed (apt-get install chromium): without it the
// tests fail rather than skip, so a missing browser is never mistaken for a
// pass. Set CENTERDESK_CHROMIUM to use another binary. The tests take
// screenshots only when asked: CENTERDESK_SCREENSHOTS names a directory for
// them, or run with -artifacts to keep them in the tests' artifact
// directories.
package browsertest
