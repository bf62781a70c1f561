/* main.c — the shanakht binary: dispatches to the subcommands in src/cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
