/* bytes.h — fixed-width integers read from byte buffers in a stated byte
 * order (file formats: ISO/IEC 19794-2 templates, PNG chunks, SQLite's WAL
 * header), whatever the host's order. */
#ifndef SH_LIB_BYTES_H
#define SH_LIB_BYTES_H

#include <stdint.h>

static inline uint16_t sh_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t sh_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t sh_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#endif
