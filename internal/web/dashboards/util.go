package dashboards

import (
	"strconv"

	"github.com/centerdesk/centerdesk/internal/report"
)

func reportNames() []string { return report.Names }

func itoa(n int) string { return strconv.Itoa(n) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
