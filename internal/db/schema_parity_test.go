package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

// The two migration sets are kept by hand, so nothing but this test says
// they describe the same schema. It migrates a database of each dialect and
// compares what the databases themselves report: tables, columns (with
// normalised types, nullability and defaults), indexes (unique or not,
// partial or not, their columns) and foreign keys. Every difference fails
// the test unless it is listed in knownDifferences with its reason.

// knownDifferences are the intended differences between the dialects, each
// with why. A listed difference that no longer exists fails the test too, so
// the list cannot go stale.
var knownDifferences = map[string]string{
	// Full-text search: SQLite keeps FTS5 tables in step by triggers (their
	// virtual and shadow tables are left out of the comparison); PostgreSQL
	// keeps a generated tsvector column with a GIN index on each row.
	"column messages.search_vector: only on postgres":                             "PostgreSQL full-text search column (SQLite uses FTS5 tables)",
	"column tickets.search_vector: only on postgres":                              "PostgreSQL full-text search column (SQLite uses FTS5 tables)",
	"index messages(search_vector): only on postgres":                             "GIN index of the PostgreSQL full-text search column",
	"index tickets(search_vector): only on postgres":                              "GIN index of the PostgreSQL full-text search column",
	"column kb_articles.search_vector: only on postgres":                          "PostgreSQL full-text search column (SQLite uses FTS5 tables)",
	"index kb_articles(search_vector): only on postgres":                          "GIN index of the PostgreSQL full-text search column",
	"index kb_terms(term): only on postgres":                                      "pg_trgm index for typo correction (SQLite uses an FTS5 trigram table)",
	"column ticket_field_values.value_date: sqlite text null, postgres date null": "dates are TEXT YYYY-MM-DD on SQLite, like times (internal/db/time.go)",
	// The event bus: PostgreSQL transactions commit out of order, so its
	// consumers keep a pg_snapshot_xmin horizon over each outbox row's txid
	// and remember deliveries above it (internal/events/doc.go); SQLite has
	// one writer and needs neither.
	"column outbox.txid: only on postgres":     "event bus horizon (PostgreSQL only)",
	"index outbox(txid): only on postgres":     "event bus horizon (PostgreSQL only)",
	"table event_deliveries: only on postgres": "event bus deliveries above the horizon (PostgreSQL only)",
	// SQLite cannot add a NOT NULL column without a default; the migration
	// fills every row at once, so the empty default is never used.
	"column teams.updated_at: sqlite text not null default '', postgres time not null": "SQLite's ADD COLUMN needs a default",
}

func TestMigrationsAgreeAcrossDialects(t *testing.T) {
	ctx := context.Background()
	lite, err := sqliteSchema(ctx, testutil.NewSQLite(t))
	if err != nil {
		t.Fatalf("read the SQLite schema: %v", err)
	}
	pg, err := postgresSchema(ctx, testutil.NewPostgres(t))
	if err != nil {
		t.Fatalf("read the PostgreSQL schema: %v", err)
	}
	if len(lite.columns) == 0 || len(pg.columns) == 0 {
		t.Fatalf("read no columns (sqlite %d, postgres %d)", len(lite.columns), len(pg.columns))
	}
	seen := map[string]bool{}
	for _, d := range compareSchemas(lite, pg) {
		if _, ok := knownDifferences[d]; ok {
			seen[d] = true
			continue
		}
		t.Errorf("the dialects differ: %s", d)
	}
	for d := range knownDifferences {
		if !seen[d] {
			t.Errorf("known difference no longer exists; remove it from the list: %s", d)
		}
	}
}

// TestSchemaComparisonFindsDifferences keeps the comparison honest: a
// column, an index or a foreign key missing on one side must be reported.
func TestSchemaComparisonFindsDifferences(t *testing.T) {
	a := &schema{
		columns: map[string]column{"t.a": {typ: "int", notNull: true}, "t.b": {typ: "text", dflt: "'x'"}},
		indexes: map[string]string{"unique index t(a)": "t"},
		fks:     map[string]string{"foreign key t(a) -> u(id) on delete cascade": "t"},
	}
	b := &schema{
		columns: map[string]column{"t.a": {typ: "int"}, "t.b": {typ: "text", dflt: "'y'"}, "t.c": {typ: "bool"}, "v.x": {typ: "int"}},
		indexes: map[string]string{"index t(a)": "t", "index v(x)": "v"},
		fks:     map[string]string{"foreign key t(a) -> u(id) on delete set null": "t"},
	}
	got := compareSchemas(a, b)
	want := []string{
		"column t.a: sqlite int not null, postgres int null",
		"column t.b: sqlite text null default 'x', postgres text null default 'y'",
		"column t.c: only on postgres",
		"foreign key t(a) -> u(id) on delete cascade: only on sqlite",
		"foreign key t(a) -> u(id) on delete set null: only on postgres",
		"index t(a): only on postgres",
		"table v: only on postgres",
		"unique index t(a): only on sqlite",
	}
	if !slices.Equal(got, want) {
		t.Errorf("differences:\n got %q\nwant %q", got, want)
	}
}

// schema is what the comparison needs of a database, each part keyed by a
// description that reads the same for both dialects.
type schema struct {
	columns map[string]column // "table.column"
	indexes map[string]string // "unique index table(a,b) partial" (primary keys left out) -> table
	fks     map[string]string // "foreign key table(a) -> other(id) on delete cascade" -> table
}

// tables lists the tables that have columns.
func (s *schema) tables() map[string]bool {
	out := map[string]bool{}
	for k := range s.columns {
		out[k[:strings.IndexByte(k, '.')]] = true
	}
	return out
}

type column struct {
	typ     string // int, text, bool, float, bytes, time, date, tsvector
	notNull bool
	dflt    string // normalised, "" for none
}

func (c column) String() string {
	s := c.typ + map[bool]string{true: " not null", false: " null"}[c.notNull]
	if c.dflt != "" {
		s += " default " + c.dflt
	}
	return s
}

// compareSchemas lists every difference between the SQLite schema a and the
// PostgreSQL schema b, sorted.
// A table on one side only is one difference, not one per column.
func compareSchemas(a, b *schema) []string {
	var out []string
	ta, tb := a.tables(), b.tables()
	for t := range ta {
		if !tb[t] {
			out = append(out, "table "+t+": only on sqlite")
		}
	}
	for t := range tb {
		if !ta[t] {
			out = append(out, "table "+t+": only on postgres")
		}
	}
	both := func(table string) bool { return ta[table] && tb[table] }
	for k, ca := range a.columns {
		cb, ok := b.columns[k]
		switch {
		case !both(k[:strings.IndexByte(k, '.')]):
		case !ok:
			out = append(out, "column "+k+": only on sqlite")
		case !sameColumn(ca, cb):
			out = append(out, fmt.Sprintf("column %s: sqlite %s, postgres %s", k, ca, cb))
		}
	}
	for k := range b.columns {
		if _, ok := a.columns[k]; !ok && both(k[:strings.IndexByte(k, '.')]) {
			out = append(out, "column "+k+": only on postgres")
		}
	}
	out = append(out, onlyOnOneSide(a.indexes, b.indexes, both)...)
	out = append(out, onlyOnOneSide(a.fks, b.fks, both)...)
	slices.Sort(out)
	return out
}

func onlyOnOneSide(a, b map[string]string, both func(table string) bool) []string {
	var out []string
	for k, table := range a {
		if _, ok := b[k]; !ok && both(table) {
			out = append(out, k+": only on sqlite")
		}
	}
	for k, table := range b {
		if _, ok := a[k]; !ok && both(table) {
			out = append(out, k+": only on postgres")
		}
	}
	return out
}

// sameColumn compares a SQLite column with a PostgreSQL one. Times are TEXT
// on SQLite and timestamptz on PostgreSQL by design (internal/db/time.go).
func sameColumn(lite, pg column) bool {
	if lite.typ == "text" && pg.typ == "time" {
		pg.typ = "text"
	}
	return lite == pg
}

func sqliteSchema(ctx context.Context, d *db.DB) (*schema, error) {
	q := d.Read()
	tables, err := stringsOf(ctx, q, `
		SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'
		  AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master v
		                  WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
		                    AND sqlite_master.name LIKE v.name || '\_%' ESCAPE '\')
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	s := &schema{columns: map[string]column{}, indexes: map[string]string{}, fks: map[string]string{}}
	for _, table := range tables {
		if err := readSQLiteTable(ctx, q, table, s); err != nil {
			return nil, fmt.Errorf("table %s: %w", table, err)
		}
	}
	return s, nil
}

func readSQLiteTable(ctx context.Context, q *sql.DB, table string, s *schema) error {
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info($1)`, table)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name, typ string
			notNull   bool
			dflt      sql.NullString
			pk        int
		)
		if err := rows.Scan(&name, &typ, &notNull, &dflt, &pk); err != nil {
			return err
		}
		c := column{typ: sqliteType(typ), notNull: notNull || pk > 0, dflt: normalDefault(dflt.String)}
		s.columns[table+"."+name] = c
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := readSQLiteIndexes(ctx, q, table, s); err != nil {
		return err
	}
	return readSQLiteForeignKeys(ctx, q, table, s)
}

func readSQLiteIndexes(ctx context.Context, q *sql.DB, table string, s *schema) error {
	rows, err := q.QueryContext(ctx, `
		SELECT l."unique", l.partial,
		       (SELECT group_concat(coalesce(i.name, '<expr>'), ',') FROM
		          (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) i)
		FROM pragma_index_list($1) l WHERE l.origin <> 'pk'`, table)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			unique, partial bool
			cols            string
		)
		if err := rows.Scan(&unique, &partial, &cols); err != nil {
			return err
		}
		s.indexes[indexKey(table, unique, partial, cols)] = table
	}
	return rows.Err()
}

func readSQLiteForeignKeys(ctx context.Context, q *sql.DB, table string, s *schema) error {
	rows, err := q.QueryContext(ctx, `
		SELECT "table", group_concat("from", ','), group_concat(coalesce("to", ''), ','), on_delete
		FROM (SELECT * FROM pragma_foreign_key_list($1) ORDER BY id, seq) GROUP BY id`, table)
	if err != nil {
		return err
	}
	defer rows.Close()
	type fk struct{ ref, from, to, onDelete string }
	var fks []fk
	for rows.Next() {
		var f fk
		if err := rows.Scan(&f.ref, &f.from, &f.to, &f.onDelete); err != nil {
			return err
		}
		fks = append(fks, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range fks {
		if strings.Trim(f.to, ",") == "" { // REFERENCES t without columns: t's primary key
			pk, err := stringsOf(ctx, q, `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`, f.ref)
			if err != nil {
				return err
			}
			f.to = strings.Join(pk, ",")
		}
		s.fks[fkKey(table, f.from, f.ref, f.to, f.onDelete)] = table
	}
	return nil
}

func postgresSchema(ctx context.Context, d *db.DB) (*schema, error) {
	q := d.Read()
	s := &schema{columns: map[string]column{}, indexes: map[string]string{}, fks: map[string]string{}}
	if err := readPostgresColumns(ctx, q, s); err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	if err := readPostgresIndexes(ctx, q, s); err != nil {
		return nil, fmt.Errorf("indexes: %w", err)
	}
	if err := readPostgresForeignKeys(ctx, q, s); err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	return s, nil
}

func readPostgresColumns(ctx context.Context, q *sql.DB, s *schema) error {
	rows, err := q.QueryContext(ctx, `
		SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', coalesce(c.column_default, '')
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		  AND c.table_name <> 'goose_db_version'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			table, name, typ, dflt string
			notNull                bool
		)
		if err := rows.Scan(&table, &name, &typ, &notNull, &dflt); err != nil {
			return err
		}
		if strings.HasPrefix(dflt, "nextval(") { // a serial column: SQLite's rowid does the same
			dflt = ""
		}
		s.columns[table+"."+name] = column{typ: postgresType(typ), notNull: notNull, dflt: normalDefault(dflt)}
	}
	return rows.Err()
}

func readPostgresIndexes(ctx context.Context, q *sql.DB, s *schema) error {
	rows, err := q.QueryContext(ctx, `
		SELECT t.relname, ix.indisunique, ix.indpred IS NOT NULL,
		       array_to_string(ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true)
		                             FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), ',')
		FROM pg_index ix
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND t.relname <> 'goose_db_version'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			table, cols     string
			unique, partial bool
		)
		if err := rows.Scan(&table, &unique, &partial, &cols); err != nil {
			return err
		}
		s.indexes[indexKey(table, unique, partial, postgresIndexColumns(cols))] = table
	}
	return rows.Err()
}

// postgresIndexColumns writes an expression column as SQLite reports it.
func postgresIndexColumns(cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		p = strings.Trim(p, `"`) // a quoted keyword such as "position"
		parts[i] = p
		if strings.ContainsAny(p, "()' ") {
			parts[i] = "<expr>"
		}
	}
	return strings.Join(parts, ",")
}

func readPostgresForeignKeys(ctx context.Context, q *sql.DB, s *schema) error {
	rows, err := q.QueryContext(ctx, `
		SELECT t.relname, r.relname,
		       array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
		                             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ','),
		       array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
		                             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), ','),
		       c.confdeltype
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_class r ON r.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE c.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return err
	}
	defer rows.Close()
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	for rows.Next() {
		var table, ref, from, to, del string
		if err := rows.Scan(&table, &ref, &from, &to, &del); err != nil {
			return err
		}
		s.fks[fkKey(table, from, ref, to, actions[del])] = table
	}
	return rows.Err()
}

func indexKey(table string, unique, partial bool, cols string) string {
	k := "index " + table + "(" + cols + ")"
	if unique {
		k = "unique " + k
	}
	if partial {
		k += " partial"
	}
	return k
}

func fkKey(table, from, ref, to, onDelete string) string {
	return fmt.Sprintf("foreign key %s(%s) -> %s(%s) on delete %s", table, from, ref, to, strings.ToLower(onDelete))
}

func sqliteType(t string) string {
	switch strings.ToUpper(t) {
	case "INTEGER", "BIGINT", "INT":
		return "int"
	case "TEXT":
		return "text"
	case "BOOLEAN":
		return "bool"
	case "REAL", "DOUBLE PRECISION":
		return "float"
	case "BLOB":
		return "bytes"
	}
	return "sqlite:" + t
}

func postgresType(t string) string {
	switch t {
	case "bigint", "integer", "smallint":
		return "int"
	case "text", "character varying":
		return "text"
	case "boolean":
		return "bool"
	case "double precision", "real":
		return "float"
	case "bytea":
		return "bytes"
	case "timestamp with time zone":
		return "time"
	case "date", "tsvector":
		return t
	}
	return "postgres:" + t
}

// normalDefault writes a default the same way for both dialects: without
// PostgreSQL's casts, with booleans as 0 and 1 as SQLite stores them, and
// "the time now" as now.
func normalDefault(d string) string {
	d = strings.TrimSpace(d)
	if d == "now()" || strings.HasPrefix(d, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'") {
		return "now" // the time of the insert, in each dialect's time format
	}
	if i := strings.Index(d, "::"); i > 0 {
		d = d[:i]
	}
	d = strings.Trim(d, "()")
	switch strings.ToLower(d) {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	return d
}

func stringsOf(ctx context.Context, q *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
