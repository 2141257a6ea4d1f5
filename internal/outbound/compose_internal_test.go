package outbound

import "testing"

func TestLinkifyMakesWebAddressesLinks(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"no address here", "no address here"},
		{"Open https://desk.example.com/portal/signin/a_b-c to sign in",
			`Open <a href="https://desk.example.com/portal/signin/a_b-c">https://desk.example.com/portal/signin/a_b-c</a> to sign in`},
		{"see http://x.example/a?b=1&c=2.", `see <a href="http://x.example/a?b=1&amp;c=2">http://x.example/a?b=1&amp;c=2</a>.`},
		{"(https://x.example/p)", `(<a href="https://x.example/p">https://x.example/p</a>)`},
		{`<script>"https://x.example/"</script>`, `&lt;script&gt;&#34;<a href="https://x.example/">https://x.example/</a>&#34;&lt;/script&gt;`},
		{"javascript:alert(1) and https:// alone", "javascript:alert(1) and https:// alone"},
	} {
		if got := linkify(c.in); got != c.want {
			t.Errorf("linkify(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
