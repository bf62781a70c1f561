/* fp_search.h — 1:N fingerprint search over an in-memory gallery.
 *
 * The gallery is one contiguous, 64-byte aligned array of fixed-size
 * matching forms (struct fp_mtemplate, FP_MTEMPLATE_BYTES each) plus two
 * parallel arrays of subject ids and finger positions: no per-template
 * pointers, so a scan streams memory linearly and a shard can be loaded with
 * one read. A person's fingers are added one after another; consecutive
 * records with the same subject id form one candidate.
 *
 * A search compares a probe (one or several fingers of one person) with
 * every compatible record, on `threads` POSIX threads that each scan one
 * slice of the array, and returns the top-k subjects. Fusion over fingers:
 * a subject's score is the sum, over the probe's fingers, of the best score
 * that finger reached against the subject's compatible records; with one
 * probe finger it is the plain fp_match score, so the thresholds in
 * fp_thresholds.h apply directly. Finger positions follow ISO/IEC
 * 19794-2:2005 (1 = right thumb .. 10 = left little, 0 = unknown); a known
 * position is only compared with the same or an unknown position. */
#ifndef SH_BIO_FP_SEARCH_H
#define SH_BIO_FP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp_match.h"

#define FP_PROBE_MAX_FINGERS 10
#define FP_SEARCH_MAX_K 1000
#define FP_SEARCH_MAX_THREADS 64

struct fp_gallery {
	struct fp_mtemplate *tpl; /* [capacity], owned */
	uint64_t *subject;        /* [capacity], owned */
	uint8_t *finger;          /* [capacity], owned */
	size_t count, capacity;
};

/* Reserve room for `capacity` records (all memory taken here, none later).
 * Free with fp_gallery_free(). */
int fp_gallery_init(struct fp_gallery *g, size_t capacity, struct sh_err *err)
	__attribute__((warn_unused_result));
void fp_gallery_free(struct fp_gallery *g);

/* Copy one prepared template in. SH_ETOOBIG (FP_GALLERY_FULL) when full,
 * SH_EINVAL (FP_FINGER_INVALID) for a finger position outside 0..10. */
int fp_gallery_add(struct fp_gallery *g, uint64_t subject, int finger,
		   const struct fp_mtemplate *t, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Bytes of RAM one gallery record takes (template + id + finger). */
size_t fp_gallery_record_bytes(void);

struct fp_probe {
	int count;                              /* fingers, 1..10 */
	int finger[FP_PROBE_MAX_FINGERS];       /* positions, 0 = unknown */
	struct fp_mtemplate tpl[FP_PROBE_MAX_FINGERS];
};

struct fp_candidate {
	uint64_t subject;
	size_t index;  /* gallery record with the best single-finger score */
	float score;   /* fused score (see above) */
	float best;    /* best single-finger score */
};

/* Top-k subjects by fused score, best first, into out[0..*nout).
 * k in 1..FP_SEARCH_MAX_K, threads in 1..FP_SEARCH_MAX_THREADS (capped
 * further so that no thread gets fewer than 64 records). Candidates with
 * score 0 are not returned. Equal scores order by gallery position, so the
 * result does not depend on `threads`. */
int fp_search(const struct fp_gallery *g, const struct fp_probe *probe, int k,
	      int threads, struct fp_candidate *out, int *nout,
	      struct sh_err *err) __attribute__((warn_unused_result));

#endif
