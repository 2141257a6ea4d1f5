package joining

import (
	"testing"
	"time"
)

func TestNormalizeSubject(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Invoice missing", "invoice missing"},
		{"  Invoice   missing \t", "invoice missing"},
		{"Re: Invoice missing", "invoice missing"},
		{"RE: Invoice missing", "invoice missing"},
		{"re:Invoice missing", "invoice missing"},
		{"Re : Invoice missing", "invoice missing"}, // French typography
		{"Fwd: Invoice missing", "invoice missing"},
		{"FW: Invoice missing", "invoice missing"},
		{"Fw: Re: Fwd: RE: Invoice missing", "invoice missing"},
		{"Re[2]: Invoice missing", "invoice missing"},
		{"Re(3): Invoice missing", "invoice missing"},
		{"Re^2: Invoice missing", "invoice missing"},
		{"AW: Rechnung fehlt", "rechnung fehlt"},
		{"WG: AW: Rechnung fehlt", "rechnung fehlt"},
		{"Antwort: Rechnung fehlt", "rechnung fehlt"},
		{"SV: Faktura saknas", "faktura saknas"},
		{"VS: Lasku puuttuu", "lasku puuttuu"},
		{"Antw: Factuur ontbreekt", "factuur ontbreekt"},
		{"Doorst.: Factuur ontbreekt", "factuur ontbreekt"},
		{"Doorst: Factuur ontbreekt", "factuur ontbreekt"},
		{"R: Fattura mancante", "fattura mancante"},
		{"Rif: Fattura mancante", "fattura mancante"},
		{"TR: Facture manquante", "facture manquante"},
		{"RE : TR : Facture manquante", "facture manquante"},
		{"Enc: Fatura em falta", "fatura em falta"},
		{"RES: Fatura em falta", "fatura em falta"},
		{"RV: Factura perdida", "factura perdida"},
		{"Odp: Brak faktury", "brak faktury"},
		{"YNT: Fatura eksik", "fatura eksik"},
		{"ΑΠ: Τιμολόγιο", "τιμολόγιο"},
		{"Ответ: Счёт", "счёт"},
		{"回复：发票丢失", "发票丢失"},
		{"回复: 发票丢失", "发票丢失"},
		{"转发：回复：发票丢失", "发票丢失"},
		{"答复: 发票丢失", "发票丢失"},
		{"返信: 請求書", "請求書"},
		{"[#123] Invoice missing", "invoice missing"},
		{"Re: [#1042-ab12cd] Invoice missing", "invoice missing"},
		{"Invoice missing [#1042]", "invoice missing"},
		{"Re: Invoice missing (#77)", "invoice missing"},
		{"[Ticket #9] Re: Invoice missing", "invoice missing"},
		{"INVOICE   MISSING", "invoice missing"},
		// Not prefixes: words that begin like one, and prefixes inside.
		{"Return policy", "return policy"},
		{"Reset my password", "reset my password"},
		{"Forward my mail", "forward my mail"},
		{"Rechnung: Re: falsch", "rechnung: re: falsch"},
		{"Trouble: login", "trouble: login"},
		{"[EXTERNAL] Invoice", "[external] invoice"},
		{"Re:", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := NormalizeSubject(c.in); got != c.want {
			t.Errorf("NormalizeSubject(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSameSubject(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"Re: Invoice missing", "Invoice missing", true},
		{"AW: [#12] invoice  MISSING", "Invoice missing", true},
		{"回复：发票丢失", "发票丢失", true},
		{"Invoice missing again", "Invoice missing", false},
		{"Invoice", "Invoice missing", false},
		{"Re:", "", false},
		{"", "", false},
		{"(no subject)", "(no subject)", false},
		{"Re: (no subject)", "(no subject)", false},
	}
	for _, c := range cases {
		if got := SameSubject(c.a, c.b); got != c.want {
			t.Errorf("SameSubject(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestMailTarget(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	a := Candidate{ID: 1, Subject: "Invoice missing", UpdatedAt: now.Add(-48 * time.Hour)}
	b := Candidate{ID: 2, Subject: "Password reset", UpdatedAt: now.Add(-24 * time.Hour)}
	old := Candidate{ID: 3, Subject: "Invoice missing", UpdatedAt: now.AddDate(0, 0, -8)}
	edge := Candidate{ID: 4, Subject: "Invoice missing", UpdatedAt: now.AddDate(0, 0, -7)}
	cases := []struct {
		name    string
		cands   []Candidate
		days    int
		subject string
		want    int64
	}{
		{"one ticket, same subject", []Candidate{a}, 7, "Re: Invoice missing", 1},
		{"one ticket, other subject", []Candidate{a}, 7, "Delivery late", 0},
		{"two tickets, one matches", []Candidate{a, b}, 7, "Invoice missing", 0},
		{"outside the window", []Candidate{old}, 7, "Invoice missing", 0},
		{"on the window's edge", []Candidate{edge}, 7, "Invoice missing", 4},
		{"old one does not count against", []Candidate{a, old}, 7, "Invoice missing", 1},
		{"window off", []Candidate{a}, 0, "Invoice missing", 0},
		{"no tickets", nil, 7, "Invoice missing", 0},
		{"empty subject", []Candidate{{ID: 5, Subject: "(no subject)", UpdatedAt: now}}, 7, "", 0},
	}
	for _, c := range cases {
		got, ok := MailTarget(InWindow(c.cands, now, c.days), c.subject)
		if (c.want != 0) != ok || got.ID != c.want {
			t.Errorf("%s: got %d (%v), want %d", c.name, got.ID, ok, c.want)
		}
	}
}
