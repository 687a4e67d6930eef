/* copydesk plugin ABI, version 1. Specification: docs/abi.md.
 *
 * A plugin is a shared library exporting `copydesk_plugin_entry`, which
 * returns a pointer to a static descriptor. Data crosses as JSON messages in
 * buffers; whoever allocates a buffer frees it (the host gives every buffer a
 * plugin returns back to that plugin's `free_buffer`). */
#ifndef COPYDESK_H
#define COPYDESK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COPYDESK_ABI_VERSION 1u

#define COPYDESK_STATUS_OK 0
#define COPYDESK_STATUS_ERROR 1

/* Bytes owned by the plugin that allocated them. `cap` is private to the
 * plugin (Rust plugins keep the allocation's capacity there). */
typedef struct copydesk_buffer {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} copydesk_buffer;

/* Creates a stage instance. `stage` is the NUL-terminated stage name;
 * `config` is a JSON object with every declared option (defaults filled in
 * by the host). On success, store the instance in *out_instance and return
 * COPYDESK_STATUS_OK. On failure, store an error message
 * ({"message": "...", "panic": false}) in *out_error and return
 * COPYDESK_STATUS_ERROR. */
typedef int32_t (*copydesk_create_fn)(const char *stage, const uint8_t *config, size_t config_len,
                                      void **out_instance, copydesk_buffer *out_error);

/* Processes one request message. On success, store the response message in
 * *out and return COPYDESK_STATUS_OK; on failure, store an error message in
 * *out and return COPYDESK_STATUS_ERROR. May be called from several threads
 * at once on the same instance. */
typedef int32_t (*copydesk_process_fn)(void *instance, const uint8_t *input, size_t input_len,
                                       copydesk_buffer *out);

/* Destroys an instance made by create. */
typedef void (*copydesk_destroy_fn)(void *instance);

/* Frees a buffer this plugin returned. */
typedef void (*copydesk_free_buffer_fn)(copydesk_buffer buffer);

/* Fields are only ever appended; `struct_size` says which are present. */
typedef struct copydesk_plugin_descriptor {
    uint32_t abi_version;      /* COPYDESK_ABI_VERSION */
    uint32_t struct_size;      /* sizeof(copydesk_plugin_descriptor) */
    const char *name;          /* NUL-terminated UTF-8 */
    const char *version;
    const char *description;
    const char *manifest;      /* NUL-terminated JSON: {"stages": [...]} */
    copydesk_create_fn create;
    copydesk_process_fn process;
    copydesk_destroy_fn destroy;
    copydesk_free_buffer_fn free_buffer;
} copydesk_plugin_descriptor;

/* The one exported symbol. */
const copydesk_plugin_descriptor *copydesk_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* COPYDESK_H */
