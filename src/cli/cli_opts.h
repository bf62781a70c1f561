/* cli_opts.h — the options shared by shanakht's server-side subcommands. */
#ifndef SH_CLI_OPTS_H
#define SH_CLI_OPTS_H

#include <stddef.h>

struct cli_opts {
	const char *db_url;     /* --db, default sqlite:var/shanakht.db */
	const char *keys_dir;   /* --keys, default var/keys */
	const char *listen;     /* --listen, default 127.0.0.1:8080 */
	const char *var_dir;    /* --var, default var */
	const char *web_dir;    /* --web, default web (if it exists) */
	const char *role;       /* --role (user add) */
	const char *council;    /* --council (user add) */
	unsigned threads;       /* --threads: a pool of N HTTP workers; 0 = a thread per connection */
	int pool_size;          /* --pool, 0 = default (serve: 16 per core, or --threads, + 4) */
	size_t max_body;        /* --max-body BYTES */
	int session_ttl;        /* --session-ttl SECONDS, default 8 h */
	int demo;               /* --demo (init) */
	int verbose;            /* -v */
	int nargs;              /* positional arguments after the options */
	char **args;
};

/* argv[0] is the subcommand name. Prints a clear message and returns
 * nonzero on a bad option. */
int cli_opts_parse(int argc, char **argv, struct cli_opts *o);

#endif
