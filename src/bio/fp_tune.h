/* fp_tune.h — tuning knobs of the extractor. In normal builds FPK(name, v)
 * is the constant v; a build with -DFP_TUNING reads FPK_<name> from the
 * environment instead (for parameter sweeps in the evaluation harness). */
#ifndef SH_BIO_FP_TUNE_H
#define SH_BIO_FP_TUNE_H

#ifdef FP_TUNING
#include <stdlib.h>
static inline float fp_knob(const char *name, float def)
{
	const char *v = getenv(name);
	return v ? strtof(v, NULL) : def;
}
#define FPK(name, def) fp_knob("FPK_" #name, (def))
#else
#define FPK(name, def) (def)
#endif

#endif
