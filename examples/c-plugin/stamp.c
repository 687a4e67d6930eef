/* A test fixture, not the C example: the C example plugin is readability.c
 * (see README.md here).
 *
 * c-stamp is a minimal bundle stage that passes the bundle through unchanged
 * and counts the bundles it saw. The fault tests (cli/tests/faults.rs)
 * compile it with -D flags to make broken plugins: -DSTAMP_ABI_VERSION=999
 * (a wrong ABI version), -DSTAMP_MALFORMED (a response that is not JSON),
 * -DSTAMP_NEWER or -DSTAMP_STRUCT_SIZE=N (descriptor sizes, see below).
 *
 * Build: cc -shared -fPIC -O2 -I../../core/include stamp.c -o libcopydesk_c_stamp.so
 *
 * The host writes a bundle request as {"op":"bundle","bundle":{...}} with
 * `op` first (docs/abi.md guarantees it), so the response {"bundle":{...}}
 * is the request with its `"op":"bundle",` member cut out. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copydesk.h"

#ifndef STAMP_ABI_VERSION
#define STAMP_ABI_VERSION COPYDESK_ABI_VERSION
#endif

static const char MANIFEST[] =
    "{\"stages\":[{\"name\":\"c-stamp\",\"kind\":\"bundle\","
    "\"description\":\"Passes bundles through unchanged (a C example).\","
    "\"options\":[{\"name\":\"label\",\"type\":\"string\",\"default\":\"c\","
    "\"doc\":\"A label, to show options reaching a C plugin.\"}],"
    "\"requires\":[],\"provides\":[]}]}";

typedef struct stamp {
    atomic_long bundles;
} stamp;

static copydesk_buffer make_buffer(const char *bytes, size_t len) {
    copydesk_buffer b = {NULL, 0, 0};
    b.ptr = malloc(len ? len : 1);
    if (b.ptr) {
        memcpy(b.ptr, bytes, len);
        b.len = len;
        b.cap = len;
    }
    return b;
}

/* message must not contain quotes or backslashes */
static copydesk_buffer error_buffer(const char *message) {
    char text[512];
    int n = snprintf(text, sizeof text, "{\"message\":\"%s\",\"panic\":false}", message);
    return make_buffer(text, n < 0 ? 0 : (size_t)n);
}

static int32_t stamp_create(const char *stage, const uint8_t *config, size_t config_len, void **out_instance,
                            copydesk_buffer *out_error) {
    (void)config;
    (void)config_len;
    if (strcmp(stage, "c-stamp") != 0) {
        *out_error = error_buffer("no such stage");
        return COPYDESK_STATUS_ERROR;
    }
    stamp *s = calloc(1, sizeof *s);
    if (!s) {
        *out_error = error_buffer("out of memory");
        return COPYDESK_STATUS_ERROR;
    }
    *out_instance = s;
    return COPYDESK_STATUS_OK;
}

static int32_t stamp_process(void *instance, const uint8_t *input, size_t input_len, copydesk_buffer *out) {
    static const char prefix[] = "{\"op\":\"bundle\",";
    size_t plen = sizeof prefix - 1;
    atomic_fetch_add(&((stamp *)instance)->bundles, 1);
#ifdef STAMP_MALFORMED
    (void)input;
    (void)input_len;
    *out = make_buffer("{\"bundle\": not json", 19);
    return COPYDESK_STATUS_OK;
#else
    if (input_len < plen || memcmp(input, prefix, plen) != 0) {
        *out = error_buffer("expected a bundle request");
        return COPYDESK_STATUS_ERROR;
    }
    /* "{" + everything after the op member */
    copydesk_buffer b = make_buffer("{", 1);
    if (!b.ptr) return COPYDESK_STATUS_ERROR;
    uint8_t *grown = realloc(b.ptr, 1 + input_len - plen);
    if (!grown) {
        free(b.ptr);
        return COPYDESK_STATUS_ERROR;
    }
    memcpy(grown + 1, input + plen, input_len - plen);
    b.ptr = grown;
    b.len = b.cap = 1 + input_len - plen;
    *out = b;
    return COPYDESK_STATUS_OK;
#endif
}

static void stamp_destroy(void *instance) { free(instance); }

static void stamp_free_buffer(copydesk_buffer buffer) { free(buffer.ptr); }

/* -DSTAMP_NEWER: a descriptor from a later ABI-1 revision, with a field
 * appended (the host must accept it and read only what it knows);
 * -DSTAMP_STRUCT_SIZE=N: a descriptor that claims to be N bytes. */
typedef struct newer_descriptor {
    copydesk_plugin_descriptor base;
    const char *appended_later;
} newer_descriptor;

#ifdef STAMP_NEWER
#define STAMP_SIZE sizeof(newer_descriptor)
#elif defined(STAMP_STRUCT_SIZE)
#define STAMP_SIZE STAMP_STRUCT_SIZE
#else
#define STAMP_SIZE sizeof(copydesk_plugin_descriptor)
#endif

static const newer_descriptor DESCRIPTOR = {
    {
        STAMP_ABI_VERSION,
        STAMP_SIZE,
        "c-stamp",
        "0.1.0",
        "Passes bundles through unchanged (a plugin written in C).",
        MANIFEST,
        stamp_create,
        stamp_process,
        stamp_destroy,
        stamp_free_buffer,
    },
    "a field this host does not know",
};

const copydesk_plugin_descriptor *copydesk_plugin_entry(void) { return &DESCRIPTOR.base; }
