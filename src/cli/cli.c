/* cli.c — subcommand dispatch for the shanakht binary. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#ifndef SHANAKHT_VERSION
#define SHANAKHT_VERSION "0.1.0"
#endif

static int cli_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("shanakht %s\n", SHANAKHT_VERSION);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"serve", cli_serve, "answer HTTP: --db URL --listen ADDR:PORT --keys DIR"},
	{"init", cli_init, "create keys, schema and the first admin [--demo]"},
	{"user", cli_user, "user add USERNAME --role ROLE [--council CODE]"},
	{"audit", cli_audit, "audit verify: check the tamper-evident log"},
	{"version", cli_version, "print the version"},
	{"fp", cli_fp, "fingerprint engine: extract, match, search, bench"},
	{"face", cli_face, "face engine: extract, match, bench"},
	{"iris", cli_iris, "iris engine: extract, match, bench"},
	{"cert", cli_cert, "verify a certificate offline (PDF or QR payload)"},
	{"device", cli_device, "software capture device: keygen, register, sign"},
	{"bio", cli_bio, "biometric repository: rewrap (key rotation), reextract"},
	{"link", cli_link, "record linkage: bench (FEBRL files), translit"},
	{"backup", cli_backup, "online backup of the store: --db URL --out FILE"},
	{"restore", cli_restore, "restore a backup: --db URL --from FILE, then audit verify"},
	{"concord", cli_concord, "council registers: import, link, report (docs/linkage.md)"},
	{"quality", cli_quality, "registry quality: run, list, cases, telco SOURCE FILE"},
	{"vitals", cli_vitals, "vital statistics: report --from YYYY-MM --to YYYY-MM [--level L] [--csv]"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: shanakht <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "shanakht: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
