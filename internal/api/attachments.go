package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/httpx"
)

// attachmentHandlers serve uploads and downloads of attachments.
type attachmentHandlers struct {
	attachments *attachment.Service
}

// multipartOverhead is what a multipart upload may carry beyond its file:
// boundaries, part headers, small fields.
const multipartOverhead = 1 << 20

// uploadAttachment stores a file sent as multipart/form-data (field
// "file") or as the raw body (type in Content-Type, name in ?filename=),
// streaming it to disk. The answer's id goes into a message's
// "attachments".
func (h *attachmentHandlers) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	limit, err := h.attachments.MaxBytes(r.Context())
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var up attachment.Upload
	if mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, limit+multipartOverhead)
		if up, err = filePart(r); err != nil {
			return err
		}
	} else {
		up = attachment.Upload{Filename: r.URL.Query().Get("filename"),
			ContentType: r.Header.Get("Content-Type"), Body: r.Body, Size: r.ContentLength}
	}
	att, err := h.attachments.Upload(r.Context(), up)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/attachments/"+strconv.FormatInt(att.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, att)
	return nil
}

// filePart finds the part named "file" of a multipart body, reading the
// parts before it but none after, so the file streams.
func filePart(r *http.Request) (attachment.Upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return attachment.Upload{}, apperr.Invalid("file", "the multipart body cannot be read: %v", err)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return attachment.Upload{}, apperr.Invalid("file", "is required: send the file in a part named file")
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return attachment.Upload{}, &apperr.Error{Kind: apperr.KindUnprocessable, Code: "too_large",
				Field: "file", Message: "the request is larger than the attachment size limit allows"}
		}
		if err != nil {
			return attachment.Upload{}, apperr.Invalid("file", "the multipart body cannot be read: %v", err)
		}
		if p.FormName() == "file" {
			return attachment.Upload{Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"),
				Body: p, Size: -1}, nil
		}
	}
}

// getAttachment serves a file so that no browser runs it (see
// attachment.Serve).
func (h *attachmentHandlers) getAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	att, f, err := h.attachments.Open(r.Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	attachment.Serve(w, r, att, f)
	return nil
}
