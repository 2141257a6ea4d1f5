package friction

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/friction"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// departmentsData is GET /friction/departments: each department with its
// ambassadors to change, and the form for a new one.
type departmentsData struct {
	Page
	Departments []departmentView
	Agents      []*user.User
	kit.FormProblem
	ProblemFor int64 // the department whose form the problem is about; 0 for the new one
	Form       friction.NewDepartment
}

type departmentView struct {
	*friction.Department
	Ambassadors []string // names
}

// Has reports whether userID is one of the department's ambassadors, for
// its checkboxes.
func (d departmentView) Has(userID int64) bool { return slices.Contains(d.AmbassadorIDs, userID) }

func (wb *Pages) departmentsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.renderDepartments(w, r, http.StatusOK, &departmentsData{})
}

func (wb *Pages) renderDepartments(w http.ResponseWriter, r *http.Request, status int, d *departmentsData) error {
	ctx := r.Context()
	deps, err := wb.Friction.Departments(ctx)
	if err != nil {
		return err
	}
	users, err := wb.Users.List(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	for _, dep := range deps {
		v := departmentView{Department: dep}
		for _, id := range dep.AmbassadorIDs {
			v.Ambassadors = append(v.Ambassadors, names[id])
		}
		d.Departments = append(d.Departments, v)
	}
	d.Page, d.Agents = wb.BasePage(r, "Departments and ambassadors"), kit.ActiveAgents(users)
	wb.Render(w, r, status, "friction_departments", d)
	return nil
}

func (wb *Pages) refuseDepartment(w http.ResponseWriter, r *http.Request, err error, d *departmentsData) error {
	status, pr, ferr := kit.ProblemOf(r, err)
	if ferr != nil {
		return ferr
	}
	if status == http.StatusNotFound || status == http.StatusForbidden {
		return err
	}
	d.FormProblem = pr
	return wb.renderDepartments(w, r, status, d)
}

func (wb *Pages) createDepartment(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in := friction.NewDepartment{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	ids, err := formIDs(r, "ambassador_ids")
	if err == nil {
		in.AmbassadorIDs = ids
		_, err = wb.Friction.CreateDepartment(r.Context(), me(r), in)
	}
	if err != nil {
		return wb.refuseDepartment(w, r, err, &departmentsData{Form: in})
	}
	wb.Flash(r, fmt.Sprintf("%s is a department: friction points can name it.", in.Name))
	http.Redirect(w, r, "/friction/departments", http.StatusSeeOther)
	return nil
}

func (wb *Pages) updateDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	name, desc := r.PostFormValue("name"), r.PostFormValue("description")
	ids, err := formIDs(r, "ambassador_ids")
	if err == nil {
		_, err = wb.Friction.UpdateDepartment(r.Context(), me(r), id,
			friction.DepartmentPatch{Name: &name, Description: &desc, AmbassadorIDs: &ids})
	}
	if err != nil {
		return wb.refuseDepartment(w, r, err, &departmentsData{ProblemFor: id})
	}
	wb.Flash(r, "The department is saved.")
	http.Redirect(w, r, "/friction/departments", http.StatusSeeOther)
	return nil
}

func (wb *Pages) deleteDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := wb.Friction.DeleteDepartment(r.Context(), me(r), id); err != nil {
		return wb.refuseDepartment(w, r, err, &departmentsData{ProblemFor: id})
	}
	wb.Flash(r, "The department is deleted.")
	http.Redirect(w, r, "/friction/departments", http.StatusSeeOther)
	return nil
}

// formIDs reads the checked ids of a list of checkboxes.
func formIDs(r *http.Request, field string) ([]int64, error) {
	out := []int64{}
	for _, v := range r.PostForm[field] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid(field, "%q is not an id", v)
		}
		out = append(out, id)
	}
	return out, nil
}
