package workspace

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/events"
)

// A stale properties form. The panel posts the version it rendered and the
// last event it knew of; the save applies only at that version. When a
// colleague changed the ticket meanwhile nothing is saved, and the panel
// comes back with what changed since and by whom, and with the form
// merged: the fields the agent edited keep their edit, the ones only the
// colleague changed show the colleague's value. "Apply mine on top" saves
// that against the current version; "Drop mine" reloads the ticket.

// conflictView is what changed since the form was rendered.
type conflictView struct {
	Changes []eventView
}

// formVersion reads the version and last event id the form was rendered
// at; zero when it does not say (an old page, a script): no condition.
func formVersion(r *http.Request) (version, seenEvent int64, err error) {
	for name, dst := range map[string]*int64{"version": &version, "seen_event": &seenEvent} {
		v := r.PostFormValue(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, apperr.Invalid(name, "%q is not a version", v)
		}
		*dst = n
	}
	return version, seenEvent, nil
}

// propertiesConflict shows the panel after a stale save.
func (wb *Pages) propertiesConflict(w http.ResponseWriter, r *http.Request, id, seenEvent int64) error {
	ctx := r.Context()
	t, err := wb.Tickets.Get(ctx, id)
	if err != nil {
		return err
	}
	ppl, err := wb.Conversations.People(ctx)
	if err != nil {
		return err
	}
	props, err := wb.propsFor(ctx, t, ppl)
	if err != nil {
		return err
	}
	evs, err := wb.Tickets.Events(ctx, id)
	if err != nil {
		return err
	}
	since := slices.DeleteFunc(evs, func(e events.Event) bool { return e.ID <= seenEvent })
	keepEdited(props, r, renderedValues(since))
	props.Conflict = &conflictView{}
	for _, e := range since {
		props.Conflict.Changes = append(props.Conflict.Changes, eventView{At: e.At, Type: e.Type,
			Actor: wb.actorName(ctx, e, ppl), What: describeEvent(e, ppl)})
	}
	if hxRequest(r) {
		wb.Fragment(w, r, http.StatusOK, "ticket", "ticket-properties", props)
		return nil
	}
	p, err := wb.ticketPageFor(r, t, props, nil)
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusConflict, "ticket", p)
	return nil
}

// renderedValues works out, from the changes made since a form was
// rendered, the form values it showed for the fields they changed: the
// value before the first change of each.
func renderedValues(since []events.Event) map[string]string {
	out := map[string]string{}
	for _, e := range since {
		field, _ := e.Data["field"].(string)
		name, value := formValueBefore(field, e.Data["before"])
		if name == "" {
			continue
		}
		if _, seen := out[name]; !seen {
			out[name] = value
		}
	}
	return out
}

// formValueBefore maps a change's field and before-value onto the form
// control that shows it and the text it held; "" for fields the form
// does not have.
func formValueBefore(field string, before any) (name, value string) {
	switch {
	case field == "status", field == "custom_status" && before != nil:
		return "status", fmt.Sprint(before)
	case field == "priority":
		return "priority", fmt.Sprint(before)
	case field == "assignee_id", field == "team_id":
		if n, ok := before.(float64); ok {
			return field, strconv.FormatInt(int64(n), 10)
		}
		return field, ""
	case field == "tags":
		var tags []string
		list, _ := before.([]any)
		for _, t := range list {
			tags = append(tags, fmt.Sprint(t))
		}
		return "tags", strings.Join(tags, ", ")
	case strings.HasPrefix(field, "custom_fields."):
		return "cf." + strings.TrimPrefix(field, "custom_fields."), customValueText(before)
	}
	return "", ""
}

func customValueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "on"
		}
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// keepEdited shows in v (the panel as the ticket is now) what the agent
// submitted, except for the fields a colleague changed and the agent left
// as they were rendered: there the colleague's value stands.
func keepEdited(v *propsView, r *http.Request, rendered map[string]string) {
	edited := func(name, submitted string) bool {
		before, changedMeanwhile := rendered[name]
		if !changedMeanwhile {
			return true
		}
		if name == "tags" {
			return !sameTags(before, submitted)
		}
		return before != submitted
	}
	pick := func(opts []selectChoice, name string) {
		val := r.PostFormValue(name)
		if !r.PostForm.Has(name) || !edited(name, val) {
			return
		}
		for i := range opts {
			opts[i].Selected = opts[i].Value == val
		}
	}
	pick(v.Statuses, "status")
	pick(v.Priorities, "priority")
	pick(v.Assignees, "assignee_id")
	pick(v.Teams, "team_id")
	if tags := r.PostFormValue("tags"); r.PostForm.Has("tags") && edited("tags", tags) {
		v.Tags = tags
	}
	for i := range v.Fields {
		f := &v.Fields[i]
		val := r.PostFormValue(f.Name)
		if !edited(f.Name, val) {
			continue
		}
		f.Value, f.Checked = val, val == "on"
		for j := range f.Options {
			f.Options[j].Selected = f.Options[j].Value == val
		}
	}
}

func sameTags(a, b string) bool {
	norm := func(s string) []string {
		tags := tagsFromText(strings.ToLower(s))
		slices.Sort(tags)
		return slices.Compact(tags)
	}
	return slices.Equal(norm(a), norm(b))
}

// lastEventID is the id of the ticket's newest event, which the panel
// sends back so that a stale save can list what came after.
func (wb *Pages) lastEventID(ctx context.Context, id int64) (int64, error) {
	evs, err := wb.Tickets.Events(ctx, id)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[len(evs)-1].ID, nil
}
