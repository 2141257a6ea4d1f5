package quality

import (
	"fmt"
	"strings"
)

// Markdown renders the philosophy as a Markdown document, for teams that
// keep it in a wiki or print it for the wall.
func (p *Philosophy) Markdown() string {
	var b strings.Builder
	b.WriteString("# Our philosophy\n\n## Vision\n\n")
	if p.Vision == "" {
		b.WriteString("_No vision statement yet._\n")
	} else {
		b.WriteString(p.Vision + "\n")
	}
	b.WriteString("\n## Values\n")
	if len(p.Values) == 0 {
		b.WriteString("\n_No values yet._\n")
	}
	for _, v := range p.Values {
		fmt.Fprintf(&b, "\n### %s — %s\n\n", v.Code, v.Name)
		fmt.Fprintf(&b, "Colour: `%s`\n", v.Colour)
		if v.Description != "" {
			b.WriteString("\n" + v.Description + "\n")
		}
		answers := []struct{ question, answer string }{
			{"What it means to us", v.Meaning},
			{"What it looks like in action", v.InAction},
			{"How it could be misread", v.Misread},
			{"How we judge whether we live it", v.JudgedBy},
			{"How it will change our relationships with customers", v.Relationships},
		}
		for _, a := range answers {
			if a.answer != "" {
				fmt.Fprintf(&b, "\n**%s**\n\n%s\n", a.question, a.answer)
			}
		}
	}
	if p.Warning != "" {
		b.WriteString("\n> Note: " + p.Warning + ".\n")
	}
	return b.String()
}
