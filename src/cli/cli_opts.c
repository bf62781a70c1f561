/* cli_opts.c — option parsing shared by serve, init, user and audit. */
#include "cli/cli_opts.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/parse.h"

static int want_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc) {
		fprintf(stderr, "shanakht %s: %s needs a value\n", argv[0], argv[i]);
		return 0;
	}
	return 1;
}

static int parse_num(const char *cmd, const char *opt, const char *v, int64_t min,
		     int64_t max, int64_t *out)
{
	if (sh_parse_i64(v, min, max, out) != 0) {
		fprintf(stderr, "shanakht %s: %s wants a whole number in %lld..%lld, not '%s'\n",
			cmd, opt, (long long)min, (long long)max, v);
		return -1;
	}
	return 0;
}

int cli_opts_parse(int argc, char **argv, struct cli_opts *o)
{
	static char *no_args[1];
	struct stat st;
	memset(o, 0, sizeof *o);
	o->db_url = "sqlite:var/shanakht.db";
	o->keys_dir = "var/keys";
	o->listen = "127.0.0.1:8080";
	o->var_dir = "var";
	/* The pages with their font: the build's copy, else the installed
	 * one, else a web/ here (the sources, without the font). */
	static const char *const web_dirs[] = {
#ifdef SH_WEB_BUILD_DIR
		SH_WEB_BUILD_DIR,
#endif
#ifdef SH_WEB_SHARE_DIR
		SH_WEB_SHARE_DIR,
#endif
		"web"};
	o->web_dir = NULL;
	for (size_t w = 0; !o->web_dir && w < sizeof web_dirs / sizeof web_dirs[0]; w++)
		if (stat(web_dirs[w], &st) == 0 && S_ISDIR(st.st_mode))
			o->web_dir = web_dirs[w];
	o->session_ttl = 8 * 3600;
	o->args = no_args;
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int64_t n;
		if (a[0] != '-')
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = 1;
		} else if (!strcmp(a, "--demo")) {
			o->demo = 1;
		} else if (!want_value(argc, argv, i)) {
			return -1;
		} else if (!strcmp(a, "--db")) {
			o->db_url = argv[++i];
		} else if (!strcmp(a, "--keys")) {
			o->keys_dir = argv[++i];
		} else if (!strcmp(a, "--listen")) {
			o->listen = argv[++i];
		} else if (!strcmp(a, "--var")) {
			o->var_dir = argv[++i];
		} else if (!strcmp(a, "--web")) {
			o->web_dir = argv[++i];
		} else if (!strcmp(a, "--role")) {
			o->role = argv[++i];
		} else if (!strcmp(a, "--council")) {
			o->council = argv[++i];
		} else if (!strcmp(a, "--threads")) {
			if (parse_num(argv[0], a, argv[++i], 0, 256, &n))
				return -1;
			o->threads = (unsigned)n;
		} else if (!strcmp(a, "--pool")) {
			if (parse_num(argv[0], a, argv[++i], 1, 512, &n))
				return -1;
			o->pool_size = (int)n;
		} else if (!strcmp(a, "--max-body")) {
			if (parse_num(argv[0], a, argv[++i], 1024, (int64_t)1 << 30, &n))
				return -1;
			o->max_body = (size_t)n;
		} else if (!strcmp(a, "--session-ttl")) {
			if (parse_num(argv[0], a, argv[++i], 60, 7 * 86400, &n))
				return -1;
			o->session_ttl = (int)n;
		} else {
			fprintf(stderr, "shanakht %s: unknown option %s\n", argv[0], a);
			return -1;
		}
	}
	o->nargs = argc - i;
	if (o->nargs > 0)
		o->args = argv + i;
	return 0;
}
