package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
)

// SameNumbers reports the first difference between a result's rows, its
// CSV and a chart made from it: each row's figures must be the CSV's line
// and the chart's point, and every other chart point empty (zero for
// counts). Tests of every door that shows a report use it.
func SameNumbers(res Result, csvText []byte, ch Chart) error {
	recs, err := csv.NewReader(bytes.NewReader(csvText)).ReadAll()
	if err != nil {
		return fmt.Errorf("CSV: %w", err)
	}
	if len(recs) != len(res.Rows)+1 {
		return fmt.Errorf("CSV has %d lines for %d rows", len(recs)-1, len(res.Rows))
	}
	if !slices.Equal(ch.Categories, res.Periods) {
		return fmt.Errorf("chart categories %v, periods %v", ch.Categories, res.Periods)
	}
	drawn := map[[3]string]bool{}
	for i, r := range res.Rows {
		rec := recs[i+1]
		if rec[0] != r.Period || rec[1] != r.GroupKey {
			return fmt.Errorf("CSV line %d is %v, row %+v", i+1, rec, r)
		}
		for j, col := range res.Columns {
			want, has := r.Values[col]
			if err := sameCell(rec[3+j], want, has); err != nil {
				return fmt.Errorf("CSV %s %s %s: %w", r.Period, r.GroupKey, col, err)
			}
			if !slices.Contains(chartColumns[res.Name], col) {
				continue
			}
			s, err := chartSeries(ch, r, col)
			if err != nil {
				return err
			}
			i := slices.Index(res.Periods, r.Period)
			if i < 0 {
				return fmt.Errorf("row period %s is not among the chart's", r.Period)
			}
			if p := s.Data[i]; (p != nil) != has || has && *p != want {
				return fmt.Errorf("chart %s %s %s = %v, JSON %v", r.Period, r.GroupKey, col, p, r.Values[col])
			}
			if goal, ok := r.Values["goal"]; ok && (s.Goal == nil || *s.Goal != goal) {
				return fmt.Errorf("chart %s goal %v, JSON %v", r.GroupKey, s.Goal, goal)
			}
			drawn[[3]string{r.Period, r.GroupKey, col}] = true
		}
	}
	for _, s := range ch.Series {
		for i, v := range s.Data {
			if v != nil && *v != 0 && !drawn[[3]string{ch.Categories[i], s.GroupKey, s.Column}] {
				return fmt.Errorf("chart %s %s %s = %v, no such row", ch.Categories[i], s.GroupKey, s.Column, *v)
			}
		}
	}
	return nil
}

// sameCell compares a CSV cell with a row's figure: empty when it has
// none.
func sameCell(cell string, want float64, has bool) error {
	if !has {
		if cell != "" {
			return fmt.Errorf("%q where the JSON has no figure", cell)
		}
		return nil
	}
	got, err := strconv.ParseFloat(cell, 64)
	if err != nil || got != want {
		return fmt.Errorf("%q, JSON %v", cell, want)
	}
	return nil
}

func chartSeries(ch Chart, r Row, col string) (ChartSeries, error) {
	for _, s := range ch.Series {
		if s.GroupKey == r.GroupKey && s.Column == col {
			return s, nil
		}
	}
	return ChartSeries{}, fmt.Errorf("chart has no series for %s %s", r.GroupKey, col)
}
