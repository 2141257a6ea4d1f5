package quality

import "net/http"

// addValueExamples lists under each value of the live philosophy the
// cited tickets that earned its badge: the value in action, in the team's
// own work.
func (wb *Pages) addValueExamples(r *http.Request, b *philosophyBody) error {
	if wb.Recognition == nil || len(b.Values) == 0 {
		return nil
	}
	ex, err := wb.Recognition.ExamplesByValue(r.Context(), 0)
	if err != nil {
		return err
	}
	for i := range b.Values {
		b.Values[i].Examples = ex[b.Values[i].ID]
	}
	return nil
}
