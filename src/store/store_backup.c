/* store_backup.c — online backup and restore of the whole store (issue 21
 * item 4). SQLite: the backup API copies a consistent snapshot page by page
 * while the server keeps writing (it restarts the copy itself when another
 * connection changes the source mid-way). PostgreSQL: pg_dump's custom
 * format, one consistent snapshot (its transaction is REPEATABLE READ), and
 * pg_restore in a single transaction. The sealed biometric data lives in the
 * store (sealed), so it is in the backup; the keyring is a directory apart
 * and never is: a stolen backup opens nothing without it. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

extern char **environ;

/* Copy the SQLite database `from` into the new file `to` (which must not
 * exist: a backup never overwrites, a restore never lands on live data). */
static int sqlite_copy(const char *from, const char *to, struct sh_err *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	int rc = SH_OK;
	struct stat sb;
	if (stat(from, &sb) != 0)
		return sh_err_set(err, SH_ENOTFOUND, "BACKUP_SOURCE", "%s: %s", from,
				  strerror(errno));
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return sh_err_set(err, SH_ECONFLICT, "BACKUP_TARGET_EXISTS",
				  "%s: %s (never overwritten)", to, strerror(errno));
	close(fd);
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = sh_err_set(err, SH_EIO, "BACKUP_OPEN", "%s",
				sqlite3_errmsg(dst ? dst : src));
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		rc = sh_err_set(err, SH_EDB, "BACKUP_FAILED", "%s", sqlite3_errmsg(dst));
		goto out;
	}
	/* Steps of 1,024 pages: between steps the server's writers go on. */
	int s;
	while ((s = sqlite3_backup_step(b, 1024)) == SQLITE_OK || s == SQLITE_BUSY ||
	       s == SQLITE_LOCKED)
		if (s != SQLITE_OK)
			sqlite3_sleep(20);
	if (s != SQLITE_DONE)
		rc = sh_err_set(err, SH_EDB, "BACKUP_FAILED", "%s", sqlite3_errstr(s));
out:
	if (b && sqlite3_backup_finish(b) != SQLITE_OK && rc == SH_OK)
		rc = sh_err_set(err, SH_EDB, "BACKUP_FAILED", "%s", sqlite3_errmsg(dst));
	sqlite3_close(src);
	if (dst && sqlite3_close(dst) != SQLITE_OK && rc == SH_OK)
		rc = sh_err_set(err, SH_EIO, "BACKUP_FAILED", "closing %s", to);
	if (rc != SH_OK)
		unlink(to);
	return rc;
}

/* Run a PostgreSQL client program (PATH lookup) and wait for it. */
static int run_tool(const char *const *argv, struct sh_err *err)
{
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (e != 0)
		return sh_err_set(err, SH_EIO, "BACKUP_TOOL", "%s: %s (install postgresql-client)",
				  argv[0], strerror(e));
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sh_err_set(err, SH_EIO, "BACKUP_TOOL", "%s: %s", argv[0],
					  strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return sh_err_set(err, SH_EDB, "BACKUP_FAILED", "%s failed (status %d)", argv[0],
				  WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return SH_OK;
}

static int is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

int store_backup(const char *url, const char *path, struct sh_err *err)
{
	if (url && strncmp(url, "sqlite:", 7) == 0 && url[7])
		return sqlite_copy(url + 7, path, err);
	if (url && is_pg(url)) {
		if (access(path, F_OK) == 0)
			return sh_err_set(err, SH_ECONFLICT, "BACKUP_TARGET_EXISTS",
					  "%s exists (never overwritten)", path);
		const char *argv[] = {"pg_dump", "--format=custom", "--no-owner",
				      "--no-privileges", "--file", path, "--dbname", url, NULL};
		int rc = run_tool(argv, err);
		if (rc != SH_OK)
			unlink(path);
		return rc;
	}
	return sh_err_set(err, SH_EINVAL, "STORE_URL", "use sqlite:PATH or postgresql://...");
}

int store_restore(const char *url, const char *path, struct sh_err *err)
{
	if (url && strncmp(url, "sqlite:", 7) == 0 && url[7])
		return sqlite_copy(path, url + 7, err);
	if (url && is_pg(url)) {
		if (access(path, R_OK) != 0)
			return sh_err_set(err, SH_ENOTFOUND, "BACKUP_SOURCE", "%s: %s", path,
					  strerror(errno));
		/* one transaction: a failed restore leaves the database empty */
		const char *argv[] = {"pg_restore", "--no-owner", "--no-privileges",
				      "--exit-on-error", "--single-transaction", "--dbname",
				      url, path, NULL};
		return run_tool(argv, err);
	}
	return sh_err_set(err, SH_EINVAL, "STORE_URL", "use sqlite:PATH or postgresql://...");
}
