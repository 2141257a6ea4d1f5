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
			got, err := strconv.ParseFloat(rec[3+j], 64)
			if err != nil || got != r.Values[col] {
				return fmt.Errorf("CSV %s %s %s = %q, JSON %v", r.Period, r.GroupKey, col, rec[3+j], r.Values[col])
			}
			if !slices.Contains(chartColumns[res.Name], col) {
				continue
			}
			p, err := chartPoint(ch, res, r, col)
			if err != nil {
				return err
			}
			if p == nil || *p != r.Values[col] {
				return fmt.Errorf("chart %s %s %s = %v, JSON %v", r.Period, r.GroupKey, col, p, r.Values[col])
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

func chartPoint(ch Chart, res Result, r Row, col string) (*float64, error) {
	i := slices.Index(res.Periods, r.Period)
	for _, s := range ch.Series {
		if s.GroupKey == r.GroupKey && s.Column == col && i >= 0 {
			return s.Data[i], nil
		}
	}
	return nil, fmt.Errorf("chart has no series for %s %s", r.GroupKey, col)
}
