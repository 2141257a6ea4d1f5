package friction

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// CreateDepartment adds a department with its ambassadors (leads only).
func (s *Service) CreateDepartment(ctx context.Context, who *user.User, in NewDepartment) (*Department, error) {
	if err := requireLead(who, "manage departments"); err != nil {
		return nil, err
	}
	name, err := checkName(in.Name)
	if err != nil {
		return nil, err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return nil, err
	}
	ids, err := uniqueIDs(in.AmbassadorIDs)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &Department{Name: name, Description: desc, AmbassadorIDs: ids, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insertDepartment(ctx, tx, d); err != nil {
			return err
		}
		if err := replaceAmbassadors(ctx, tx, d.ID, ids); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "department.created", "department", d.ID,
			map[string]any{"name": d.Name, "ambassador_ids": ids})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Department returns one department with its ambassadors.
func (s *Service) Department(ctx context.Context, id int64) (*Department, error) {
	return getDepartment(ctx, s.db.Reader(ctx), id)
}

// Departments returns every department by name, with ambassadors.
func (s *Service) Departments(ctx context.Context) ([]*Department, error) {
	return listDepartments(ctx, s.db.Reader(ctx))
}

// UpdateDepartment applies p (leads only), auditing what changed.
func (s *Service) UpdateDepartment(ctx context.Context, who *user.User, id int64, p DepartmentPatch) (*Department, error) {
	if err := requireLead(who, "manage departments"); err != nil {
		return nil, err
	}
	var d *Department
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if d, err = getDepartment(ctx, tx, id); err != nil {
			return err
		}
		changed, err := applyDepartment(ctx, tx, d, p)
		if err != nil || len(changed) == 0 {
			return err
		}
		d.UpdatedAt = s.now()
		if err := saveDepartment(ctx, tx, d); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "department.updated", "department", d.ID, changed)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func applyDepartment(ctx context.Context, tx *sql.Tx, d *Department, p DepartmentPatch) (map[string]any, error) {
	changed := map[string]any{}
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return nil, err
		}
		if name != d.Name {
			changed["name"] = []string{d.Name, name}
			d.Name = name
		}
	}
	if p.Description != nil {
		desc, err := checkDescription(*p.Description)
		if err != nil {
			return nil, err
		}
		if desc != d.Description {
			changed["description"] = []string{d.Description, desc}
			d.Description = desc
		}
	}
	if p.AmbassadorIDs != nil {
		ids, err := uniqueIDs(*p.AmbassadorIDs)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(ids, d.AmbassadorIDs) {
			if err := replaceAmbassadors(ctx, tx, d.ID, ids); err != nil {
				return nil, err
			}
			changed["ambassador_ids"] = [][]int64{d.AmbassadorIDs, ids}
			d.AmbassadorIDs = ids
		}
	}
	return changed, nil
}

// DeleteDepartment removes a department that owns no friction point (leads
// only): the points' history would lose its owner; rename it instead.
func (s *Service) DeleteDepartment(ctx context.Context, who *user.User, id int64) error {
	if err := requireLead(who, "manage departments"); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		d, err := getDepartment(ctx, tx, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM friction_points WHERE department_id = $1`, id).Scan(&n); err != nil {
			return fmt.Errorf("friction: points of department %d: %w", id, err)
		}
		if n > 0 {
			return apperr.Conflict("id", "%s owns %d friction points; move them or rename the department instead", d.Name, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM departments WHERE id = $1`, id); err != nil {
			return fmt.Errorf("friction: delete department %d: %w", id, err)
		}
		return audit.Record(ctx, tx, "department.deleted", "department", id, map[string]any{"name": d.Name})
	})
}

// AmbassadorOf returns the departments userID is an ambassador of.
func (s *Service) AmbassadorOf(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.db.Reader(ctx).QueryContext(ctx,
		`SELECT department_id FROM department_ambassadors WHERE user_id = $1 ORDER BY department_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("friction: departments of %d: %w", userID, err)
	}
	return scanIDs(rows)
}

const departmentColumns = `id, name, description, created_at, updated_at`

func scanDepartment(row interface{ Scan(...any) error }) (*Department, error) {
	var d Department
	err := row.Scan(&d.ID, &d.Name, &d.Description, db.ScanTime(&d.CreatedAt), db.ScanTime(&d.UpdatedAt))
	return &d, err
}

func getDepartment(ctx context.Context, q db.Queryer, id int64) (*Department, error) {
	d, err := scanDepartment(q.QueryRowContext(ctx, `SELECT `+departmentColumns+` FROM departments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("department")
	}
	if err != nil {
		return nil, fmt.Errorf("friction: department %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM department_ambassadors WHERE department_id = $1 ORDER BY user_id`, id)
	if err != nil {
		return nil, fmt.Errorf("friction: ambassadors of %d: %w", id, err)
	}
	if d.AmbassadorIDs, err = scanIDs(rows); err != nil {
		return nil, err
	}
	return d, nil
}

func listDepartments(ctx context.Context, q db.Queryer) ([]*Department, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+departmentColumns+` FROM departments ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("friction: list departments: %w", err)
	}
	out := []*Department{}
	byID := map[int64]*Department{}
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("friction: scan department: %w", err)
		}
		d.AmbassadorIDs = []int64{}
		byID[d.ID] = d
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT department_id, user_id FROM department_ambassadors ORDER BY department_id, user_id`)
	if err != nil {
		return nil, fmt.Errorf("friction: list ambassadors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dep, u int64
		if err := rows.Scan(&dep, &u); err != nil {
			return nil, fmt.Errorf("friction: scan ambassador: %w", err)
		}
		if d := byID[dep]; d != nil {
			d.AmbassadorIDs = append(d.AmbassadorIDs, u)
		}
	}
	return out, rows.Err()
}

func insertDepartment(ctx context.Context, q db.Queryer, d *Department) error {
	err := q.QueryRowContext(ctx, `INSERT INTO departments (name, description, created_at, updated_at)
		VALUES ($1, $2, $3, $3) RETURNING id`, d.Name, d.Description, db.Time(d.CreatedAt)).Scan(&d.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a department named %q already exists", d.Name)
	}
	if err != nil {
		return fmt.Errorf("friction: insert department: %w", err)
	}
	return nil
}

func saveDepartment(ctx context.Context, q db.Queryer, d *Department) error {
	_, err := q.ExecContext(ctx, `UPDATE departments SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
		d.Name, d.Description, db.Time(d.UpdatedAt), d.ID)
	if db.IsUniqueViolation(err) {
		return apperr.Conflict("name", "a department named %q already exists", d.Name)
	}
	if err != nil {
		return fmt.Errorf("friction: save department %d: %w", d.ID, err)
	}
	return nil
}

// replaceAmbassadors makes ids the department's ambassadors, after
// checking each is an active user.
func replaceAmbassadors(ctx context.Context, tx *sql.Tx, departmentID int64, ids []int64) error {
	for _, id := range ids {
		if err := user.CheckActive(ctx, tx, "ambassador_ids", id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM department_ambassadors WHERE department_id = $1`, departmentID); err != nil {
		return fmt.Errorf("friction: clear ambassadors of %d: %w", departmentID, err)
	}
	for _, id := range ids {
		_, err := tx.ExecContext(ctx, `INSERT INTO department_ambassadors (department_id, user_id) VALUES ($1, $2)`,
			departmentID, id)
		if err != nil {
			return fmt.Errorf("friction: add ambassador %d to %d: %w", id, departmentID, err)
		}
	}
	return nil
}

// uniqueIDs de-duplicates and sorts user ids, refusing ones that cannot be
// ids at all.
func uniqueIDs(ids []int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, apperr.Invalid("ambassador_ids", "%d is not a user id", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("friction: scan id: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
