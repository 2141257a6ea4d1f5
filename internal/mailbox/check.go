package mailbox

import (
	"github.com/centerdesk/centerdesk/internal/apperr"
)

// normalize checks every setting of m and fills in the defaults, so that
// Create and Update (whichever fields a patch touched) hold a mailbox to
// the same rules.
func (m *Mailbox) normalize() error {
	var err error
	if m.Address, err = checkAddress(m.Address); err != nil {
		return err
	}
	if m.Name, err = checkText("name", m.Name, MaxName); err != nil {
		return err
	}
	if m.TeamID != nil && *m.TeamID <= 0 {
		return apperr.Invalid("team_id", "%d is not a team id", *m.TeamID)
	}
	if err := m.normalizeIMAP(); err != nil {
		return err
	}
	if err := m.normalizeSMTP(); err != nil {
		return err
	}
	if m.AckSubject, err = checkText("ack_subject", m.AckSubject, MaxAckSubject); err != nil {
		return err
	}
	return checkAckTemplates(m.AckSubject, m.AckBody)
}

func (m *Mailbox) normalizeIMAP() error {
	var err error
	if m.IMAPHost, err = checkHost("imap_host", m.IMAPHost); err != nil {
		return err
	}
	if m.IMAPSecurity, err = checkSecurity("imap_security", m.IMAPSecurity, SecurityTLS); err != nil {
		return err
	}
	if err := checkPort("imap_port", m.IMAPPort); err != nil {
		return err
	}
	if m.IMAPPort == 0 {
		m.IMAPPort = defaultIMAPPort(m.IMAPSecurity)
	}
	if m.IMAPUser, err = checkText("imap_user", m.IMAPUser, MaxUser); err != nil {
		return err
	}
	if m.IMAPFolder, err = checkText("imap_folder", m.IMAPFolder, MaxFolder); err != nil {
		return err
	}
	if m.IMAPFolder == "" {
		m.IMAPFolder = "INBOX"
	}
	if m.IMAPMoveTo, err = checkText("imap_move_to", m.IMAPMoveTo, MaxFolder); err != nil {
		return err
	}
	if m.IMAPHost != "" && m.IMAPUser == "" {
		return apperr.Invalid("imap_user", "is required to poll %s", m.IMAPHost)
	}
	if m.IMAPMoveTo != "" && m.IMAPMoveTo == m.IMAPFolder {
		return apperr.Invalid("imap_move_to", "must differ from imap_folder")
	}
	return nil
}

func (m *Mailbox) normalizeSMTP() error {
	var err error
	if m.SMTPHost, err = checkHost("smtp_host", m.SMTPHost); err != nil {
		return err
	}
	if m.SMTPSecurity, err = checkSecurity("smtp_security", m.SMTPSecurity, SecurityStartTLS); err != nil {
		return err
	}
	if err := checkPort("smtp_port", m.SMTPPort); err != nil {
		return err
	}
	if m.SMTPPort == 0 {
		m.SMTPPort = defaultSMTPPort(m.SMTPSecurity)
	}
	if m.SMTPUser, err = checkText("smtp_user", m.SMTPUser, MaxUser); err != nil {
		return err
	}
	return nil
}

// checkCredentials refuses a password without a user name to go with it,
// once the passwords are set.
func (m *Mailbox) checkCredentials() error {
	if m.imapSealed != "" && m.IMAPUser == "" {
		return apperr.Invalid("imap_user", "is required with imap_password")
	}
	if m.smtpSealed != "" && m.SMTPUser == "" {
		return apperr.Invalid("smtp_user", "is required with smtp_password")
	}
	m.HasIMAPPassword, m.HasSMTPPassword = m.imapSealed != "", m.smtpSealed != ""
	return nil
}
