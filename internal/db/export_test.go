package db

import "context"

// MigrateTo moves the schema up or down to version, so that a test can fill
// a database as an older Centerdesk left it and then run one migration.
func MigrateTo(ctx context.Context, d *DB, version int64) error {
	p, err := d.provider(ctx)
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version >= current {
		_, err = p.UpTo(ctx, version)
	} else {
		_, err = p.DownTo(ctx, version)
	}
	return err
}
