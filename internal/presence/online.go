package presence

import "slices"

// Online lists the agents with a live heartbeat on any ticket, by id: the
// agents at work now as far as the desk can see. An agent with no ticket
// open counts as away.
func (h *Hub) Online() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	seen := map[int64]bool{}
	for _, m := range h.tickets {
		for id, e := range m {
			if !now.After(e.expires) {
				seen[id] = true
			}
		}
	}
	out := make([]int64, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
