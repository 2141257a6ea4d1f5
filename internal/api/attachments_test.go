package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

// send sends body with contentType as the client's user.
func (c *client) send(method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	return rec
}

// multipartFile builds a multipart/form-data body with the file in the
// part named field.
func multipartFile(t *testing.T, field, filename, contentType string, content []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("note", "a field before the file"); err != nil {
		t.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+filename+`"`)
	h.Set("Content-Type", contentType)
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	p.Write(content)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func (c *client) upload(filename, contentType string, content []byte) attachment.Attachment {
	c.t.Helper()
	ct, body := multipartFile(c.t, "file", filename, contentType, content)
	var a attachment.Attachment
	c.want(c.send("POST", "/api/v1/attachments", ct, body), http.StatusCreated, &a)
	return a
}

func TestAttachmentsOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		page := []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>")
		html := c.upload("invoice.html", "text/html", page)
		if html.ContentType == "" || strings.Contains(html.ContentType, "html") || html.Size != int64(len(page)) {
			t.Fatalf("uploaded %+v", html)
		}
		var image attachment.Attachment
		c.want(c.send("POST", "/api/v1/attachments?filename=Bildschirmfoto%20%C3%A4.png", "application/octet-stream", png),
			http.StatusCreated, &image)
		if image.ContentType != "image/png" || image.Filename != "Bildschirmfoto ä.png" {
			t.Fatalf("raw upload %+v", image)
		}

		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", `{"subject": "Invoice", "requester": {"email": "ada@example.com"},
			"body_html": "<p>See <b>attached</b></p><img src=\"/api/v1/attachments/`+itoa(image.ID)+`\">",
			"attachments": [`+itoa(html.ID)+`]}`, ""), http.StatusCreated, &tk)
		path := "/api/v1/tickets/" + itoa(tk.ID) + "/messages"
		var m ticket.Message
		c.want(c.do("POST", path, `{"body": "Screenshot.", "kind": "note", "attachments": [`+itoa(image.ID)+`]}`, ""),
			http.StatusCreated, &m)
		var msgs struct{ Items []ticket.Message }
		c.want(c.do("GET", path, "", ""), http.StatusOK, &msgs)
		if len(msgs.Items) != 2 || len(msgs.Items[0].Attachments) != 1 || msgs.Items[0].Attachments[0].ID != html.ID ||
			len(msgs.Items[1].Attachments) != 1 || msgs.Items[1].Attachments[0].SHA256 != image.SHA256 {
			t.Fatalf("messages %+v", msgs.Items)
		}
		if first := msgs.Items[0]; first.Body != "See attached\n\n[image]" ||
			!strings.Contains(first.BodyHTML, `<img src="/api/v1/attachments/`+itoa(image.ID)+`"/>`) {
			t.Fatalf("first message %q %q", first.Body, first.BodyHTML)
		}

		// The HTML file is a download that no browser renders.
		rec := c.do("GET", "/api/v1/attachments/"+itoa(html.ID), "", "")
		c.want(rec, http.StatusOK, nil)
		h := rec.Header()
		if ct := h.Get("Content-Type"); strings.Contains(ct, "html") || ct == "" {
			t.Errorf("served as %q", ct)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("headers %v", h)
		}
		if cd := h.Get("Content-Disposition"); cd != `attachment; filename="invoice.html"; filename*=UTF-8''invoice.html` {
			t.Errorf("disposition %q", cd)
		}
		if !bytes.Equal(rec.Body.Bytes(), page) {
			t.Errorf("body %q", rec.Body)
		}
		// A PNG may be shown inline, under its name in UTF-8.
		rec = c.do("GET", "/api/v1/attachments/"+itoa(image.ID), "", "")
		c.want(rec, http.StatusOK, nil)
		if rec.Header().Get("Content-Type") != "image/png" ||
			rec.Header().Get("Content-Disposition") != `inline; filename="Bildschirmfoto _.png"; filename*=UTF-8''Bildschirmfoto%20%C3%A4.png` {
			t.Errorf("png headers %v", rec.Header())
		}
		r := httptest.NewRequest("GET", "/api/v1/attachments/"+itoa(image.ID), nil)
		r.Header.Set("Authorization", "Bearer "+c.token)
		r.Header.Set("If-None-Match", rec.Header().Get("ETag"))
		cached := httptest.NewRecorder()
		c.h.ServeHTTP(cached, r)
		if cached.Code != http.StatusNotModified {
			t.Errorf("revalidation: %d", cached.Code)
		}
	})
}

func TestAttachmentRulesOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		agent := c.as("agent")
		var tk ticket.Ticket
		c.want(c.do("POST", "/api/v1/tickets", newTicketJSON, ""), http.StatusCreated, &tk)
		path := "/api/v1/tickets/" + itoa(tk.ID) + "/messages"

		theirs := agent.upload("notes.txt", "text/plain", []byte("the agent's notes"))
		// Someone else's upload is neither attachable nor visible until
		// attached.
		var e httpx.ErrorBody
		c.want(c.do("POST", path, `{"body": "x", "attachments": [`+itoa(theirs.ID)+`]}`, ""), http.StatusUnprocessableEntity, &e)
		if e.Error.Field != "attachments" {
			t.Fatalf("error %+v", e)
		}
		c.want(c.do("GET", "/api/v1/attachments/"+itoa(theirs.ID), "", ""), http.StatusNotFound, nil)
		agent.want(agent.do("POST", path, `{"body": "x", "attachments": [`+itoa(theirs.ID)+`]}`, ""), http.StatusCreated, nil)
		c.want(c.do("GET", "/api/v1/attachments/"+itoa(theirs.ID), "", ""), http.StatusOK, nil)
		agent.want(agent.do("POST", path, `{"body": "again", "attachments": [`+itoa(theirs.ID)+`]}`, ""),
			http.StatusUnprocessableEntity, &e)
		c.want(c.do("POST", path, `{"kind": "reply"}`, ""), http.StatusBadRequest, &e)
		if e.Error.Field != "body" {
			t.Fatalf("error %+v", e)
		}

		// The size limit is an admin's setting.
		agent.want(agent.do("PATCH", "/api/v1/settings", `{"attachment_max_bytes": 2048}`, ""), http.StatusForbidden, nil)
		c.want(c.do("PATCH", "/api/v1/settings", `{"attachment_max_bytes": 2048}`, ""), http.StatusOK, nil)
		before := c.count("attachments")
		big := bytes.Repeat([]byte("x"), 2049)
		ct, body := multipartFile(t, "file", "big.txt", "text/plain", big)
		c.want(c.send("POST", "/api/v1/attachments", ct, body), http.StatusUnprocessableEntity, &e)
		if e.Error.Field != "file" || e.Error.Code != "too_large" || !strings.Contains(e.Error.Message, "2048") {
			t.Fatalf("error %+v", e)
		}
		c.want(c.send("POST", "/api/v1/attachments?filename=big.txt", "text/plain", big), http.StatusUnprocessableEntity, &e)
		ct, body = multipartFile(t, "other", "x.txt", "text/plain", []byte("x"))
		c.want(c.send("POST", "/api/v1/attachments", ct, body), http.StatusBadRequest, &e)
		if e.Error.Field != "file" {
			t.Fatalf("error %+v", e)
		}
		c.want(c.send("POST", "/api/v1/attachments", "text/plain", []byte("no name")), http.StatusBadRequest, &e)
		if e.Error.Field != "filename" {
			t.Fatalf("error %+v", e)
		}
		if got := c.count("attachments"); got != before {
			t.Fatalf("refused uploads stored %d attachments", got-before)
		}
		c.want(c.do("GET", "/api/v1/attachments/nope", "", ""), http.StatusBadRequest, nil)
		c.want(c.do("GET", "/api/v1/attachments/999999", "", ""), http.StatusNotFound, nil)
		anonymous := *c
		anonymous.token = "cdk_wrong"
		anonymous.want(anonymous.send("POST", "/api/v1/attachments?filename=a.txt", "text/plain", []byte("x")),
			http.StatusUnauthorized, nil)
	})
}

// slowBody is an io.Reader that is not a bytes.Reader, so that the request
// has no known length, as with chunked uploads.
type slowBody struct{ r io.Reader }

func (s slowBody) Read(p []byte) (int, error) { return s.r.Read(p) }

func TestUploadWithoutLength(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		c := newClient(t, d)
		r := httptest.NewRequest("POST", "/api/v1/attachments?filename=chunked.bin", slowBody{bytes.NewReader(make([]byte, 100<<10))})
		r.ContentLength = -1
		r.Header.Set("Authorization", "Bearer "+c.token)
		r.Header.Set("Content-Type", "application/octet-stream")
		rec := httptest.NewRecorder()
		c.h.ServeHTTP(rec, r)
		var a attachment.Attachment
		c.want(rec, http.StatusCreated, &a)
		if a.Size != 100<<10 {
			t.Fatalf("stored %d bytes", a.Size)
		}
	})
}
