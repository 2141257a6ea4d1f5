package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
)

// Organization is a company or group that customers belong to. An email
// domain belongs to at most one organization; with AutoJoin on, a customer
// without an organization joins the one that owns the domain of an email
// address they are created with or gain.
type Organization struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Domains   []string  `json:"domains"`
	Notes     string    `json:"notes"`
	AutoJoin  bool      `json:"auto_join"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewOrganization is what it takes to add an organization. AutoJoin is on
// when left out.
type NewOrganization struct {
	Name     string   `json:"name"`
	Domains  []string `json:"domains"`
	Notes    string   `json:"notes"`
	AutoJoin *bool    `json:"auto_join"`
}

// OrganizationPatch changes an organization; absent fields stay as they
// are. Domains, when present, replaces the organization's domains.
type OrganizationPatch struct {
	Name     *string   `json:"name"`
	Domains  *[]string `json:"domains"`
	Notes    *string   `json:"notes"`
	AutoJoin *bool     `json:"auto_join"`
}

// maxDomains bounds the domains of one organization.
const maxDomains = 50

var domainLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeDomain checks an email domain ("example.com", "@example.com")
// and returns it lower-cased without the @.
func NormalizeDomain(field, s string) (string, error) {
	d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	if d == "" {
		return "", apperr.Invalid(field, "has an empty domain")
	}
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return "", apperr.Invalid(field, "%q is not a domain such as example.com", s)
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return "", apperr.Invalid(field, "%q is not a domain such as example.com", s)
		}
	}
	return d, nil
}

func normalizeDomains(in []string) ([]string, error) {
	if len(in) > maxDomains {
		return nil, apperr.Invalid("domains", "has more than %d domains", maxDomains)
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		d, err := NormalizeDomain("domains", s)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func checkOrgName(name string) (string, error) {
	return apperr.CheckText("name", name, maxName, true)
}

// nameKey folds a name for the uniqueness of organization names.
func nameKey(name string) string { return strings.ToLower(name) }

// CreateOrganization adds an organization; customers who have an email
// address at one of its domains and no organization join it when AutoJoin
// is on.
func (s *Service) CreateOrganization(ctx context.Context, n NewOrganization) (*Organization, error) {
	o := &Organization{AutoJoin: n.AutoJoin == nil || *n.AutoJoin}
	var err error
	if o.Name, err = checkOrgName(n.Name); err != nil {
		return nil, err
	}
	if o.Domains, err = normalizeDomains(n.Domains); err != nil {
		return nil, err
	}
	if o.Notes, err = checkNotes(n.Notes); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		o.CreatedAt = db.Now()
		o.UpdatedAt = o.CreatedAt
		if err := checkOrgNameFree(ctx, tx, o.Name, 0); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO organizations (name, name_key, notes, auto_join, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			o.Name, nameKey(o.Name), o.Notes, o.AutoJoin, db.Time(o.CreatedAt)).Scan(&o.ID)
		if err != nil {
			return orgWriteError(err, o.Name)
		}
		if err := replaceDomains(ctx, tx, o.ID, o.Domains); err != nil {
			return err
		}
		if err := joinByDomains(ctx, tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "organization.created", "organization", o.ID,
			map[string]any{"name": o.Name, "domains": o.Domains})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateOrganization applies p.
func (s *Service) UpdateOrganization(ctx context.Context, id int64, p OrganizationPatch) (*Organization, error) {
	var out *Organization
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET id = id WHERE id = $1`, id); err != nil {
			return fmt.Errorf("customer: lock organization %d: %w", id, err)
		}
		o, err := getOrganization(ctx, tx, id)
		if err != nil {
			return err
		}
		changed, err := applyOrgPatch(o, p)
		if err != nil || len(changed) == 0 {
			out = o
			return err
		}
		if err := checkOrgNameFree(ctx, tx, o.Name, o.ID); err != nil {
			return err
		}
		o.UpdatedAt = db.Now()
		_, err = tx.ExecContext(ctx, `UPDATE organizations SET name = $1, name_key = $2, notes = $3,
			auto_join = $4, updated_at = $5 WHERE id = $6`,
			o.Name, nameKey(o.Name), o.Notes, o.AutoJoin, db.Time(o.UpdatedAt), o.ID)
		if err != nil {
			return orgWriteError(err, o.Name)
		}
		if p.Domains != nil {
			if err := replaceDomains(ctx, tx, o.ID, o.Domains); err != nil {
				return err
			}
		}
		if err := joinByDomains(ctx, tx, o); err != nil {
			return err
		}
		out = o
		return audit.Record(ctx, tx, "organization.updated", "organization", o.ID, map[string]any{"changed": changed})
	})
	return out, err
}

// applyOrgPatch validates p and applies it to o in memory, returning the
// names of the fields that changed.
func applyOrgPatch(o *Organization, p OrganizationPatch) ([]string, error) {
	var changed []string
	if p.Name != nil {
		name, err := checkOrgName(*p.Name)
		if err != nil {
			return nil, err
		}
		if name != o.Name {
			o.Name, changed = name, append(changed, "name")
		}
	}
	if p.Domains != nil {
		domains, err := normalizeDomains(*p.Domains)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(domains, o.Domains) {
			o.Domains, changed = domains, append(changed, "domains")
		}
	}
	if p.Notes != nil {
		notes, err := checkNotes(*p.Notes)
		if err != nil {
			return nil, err
		}
		if notes != o.Notes {
			o.Notes, changed = notes, append(changed, "notes")
		}
	}
	if p.AutoJoin != nil && *p.AutoJoin != o.AutoJoin {
		o.AutoJoin, changed = *p.AutoJoin, append(changed, "auto_join")
	}
	return changed, nil
}

// GetOrganization returns an organization by id.
func (s *Service) GetOrganization(ctx context.Context, id int64) (*Organization, error) {
	return getOrganization(ctx, s.db.Reader(ctx), id)
}

// ListOrganizations returns every organization by name.
func (s *Service) ListOrganizations(ctx context.Context) ([]*Organization, error) {
	q := s.db.Reader(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organizations ORDER BY name_key, id`)
	if err != nil {
		return nil, fmt.Errorf("customer: list organizations: %w", err)
	}
	var out []*Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("customer: scan organization: %w", err)
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("customer: list organizations: %w", err)
	}
	return out, loadDomains(ctx, q, out)
}

const orgColumns = `id, name, notes, auto_join, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (*Organization, error) {
	var o Organization
	err := row.Scan(&o.ID, &o.Name, &o.Notes, &o.AutoJoin, db.ScanTime(&o.CreatedAt), db.ScanTime(&o.UpdatedAt))
	if err != nil {
		return nil, err
	}
	o.Domains = []string{}
	return &o, nil
}

func getOrganization(ctx context.Context, q db.Queryer, id int64) (*Organization, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("organization")
	}
	if err != nil {
		return nil, fmt.Errorf("customer: get organization %d: %w", id, err)
	}
	return o, loadDomains(ctx, q, []*Organization{o})
}

// loadDomains fills the domains of os; there are few organizations, so it
// reads every domain.
func loadDomains(ctx context.Context, q db.Queryer, os []*Organization) error {
	byID := map[int64]*Organization{}
	for _, o := range os {
		byID[o.ID] = o
	}
	rows, err := q.QueryContext(ctx, `SELECT organization_id, domain FROM organization_domains ORDER BY domain`)
	if err != nil {
		return fmt.Errorf("customer: organization domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     int64
			domain string
		)
		if err := rows.Scan(&id, &domain); err != nil {
			return fmt.Errorf("customer: scan domain: %w", err)
		}
		if o := byID[id]; o != nil {
			o.Domains = append(o.Domains, domain)
		}
	}
	return rows.Err()
}

// checkOrgNameFree refuses a name another organization has, whatever its
// case.
func checkOrgNameFree(ctx context.Context, q db.Queryer, name string, self int64) error {
	var other int64
	err := q.QueryRowContext(ctx, `SELECT id FROM organizations WHERE name_key = $1 AND id <> $2`,
		nameKey(name), self).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("customer: check organization name: %w", err)
	}
	return apperr.Conflict("name", "an organization named %s already exists", name)
}

// orgWriteError turns the unique name a concurrent writer took into a
// conflict.
func orgWriteError(err error, name string) error {
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "an organization named %s already exists", name)
	}
	return fmt.Errorf("customer: write organization: %w", err)
}

// replaceDomains makes domains the organization's domains, refusing one
// that another organization has.
func replaceDomains(ctx context.Context, tx *sql.Tx, id int64, domains []string) error {
	for _, d := range domains {
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT organization_id FROM organization_domains WHERE domain = $1`, d).Scan(&owner)
		if err == nil && owner != id {
			return apperr.Conflict("domains", "the domain %s belongs to another organization (id %d)", d, owner)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("customer: check domain %s: %w", d, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organization_domains WHERE organization_id = $1`, id); err != nil {
		return fmt.Errorf("customer: clear domains of %d: %w", id, err)
	}
	for _, d := range domains {
		_, err := tx.ExecContext(ctx, `INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2)`, d, id)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("domains", "the domain %s belongs to another organization", d)
		}
		if err != nil {
			return fmt.Errorf("customer: add domain %s: %w", d, err)
		}
	}
	return nil
}

// joinByDomains puts every customer without an organization who has an
// email address at one of o's domains into o, when o has AutoJoin on.
// Erased customers have no addresses left, so none of them joins.
func joinByDomains(ctx context.Context, tx *sql.Tx, o *Organization) error {
	if !o.AutoJoin {
		return nil
	}
	for _, d := range o.Domains {
		_, err := tx.ExecContext(ctx, `UPDATE customers SET organization_id = $1, updated_at = $2
			WHERE organization_id IS NULL AND id IN (SELECT customer_id FROM customer_identities
				WHERE kind = 'email' AND value LIKE $3)`, o.ID, db.Time(db.Now()), "%@"+d)
		if err != nil {
			return fmt.Errorf("customer: join %s to organization %d: %w", d, o.ID, err)
		}
	}
	return nil
}

// autoJoin puts customer c, who has no organization, into the organization
// that owns the domain of email, if it has AutoJoin on.
func autoJoin(ctx context.Context, q db.Queryer, c *Customer, email string) error {
	if c.Organization != nil {
		return nil
	}
	_, domain, ok := strings.Cut(email, "@")
	if !ok {
		return nil
	}
	var ref OrgRef
	err := q.QueryRowContext(ctx, `SELECT o.id, o.name FROM organization_domains d
		JOIN organizations o ON o.id = d.organization_id WHERE d.domain = $1 AND o.auto_join`,
		domain).Scan(&ref.ID, &ref.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("customer: organization of %s: %w", domain, err)
	}
	c.Organization = &ref
	return saveCustomer(ctx, q, c)
}
