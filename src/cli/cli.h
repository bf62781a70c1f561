/* cli.h — the command-line face of shanakht: serve, init, user, audit, fp,
 * cert, version. Each subcommand returns a process exit status. */
#ifndef SH_CLI_CLI_H
#define SH_CLI_CLI_H

int cli_main(int argc, char **argv);

/* Subcommands, one file each (cli_<name>.c); argv[0] is the subcommand. */
int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_fp(int argc, char **argv);
int cli_face(int argc, char **argv);
int cli_cert(int argc, char **argv);
int cli_device(int argc, char **argv); /* cli_device.c */
int cli_bio(int argc, char **argv);    /* cli_bio.c */
int cli_iris(int argc, char **argv);
int cli_link(int argc, char **argv);  /* cli_link.c */
int cli_backup(int argc, char **argv);  /* cli_backup.c */
int cli_restore(int argc, char **argv); /* cli_backup.c */
int cli_concord(int argc, char **argv); /* cli_concord.c */
int cli_quality(int argc, char **argv); /* cli_quality.c */
int cli_vitals(int argc, char **argv);  /* cli_vitals.c */

#endif
