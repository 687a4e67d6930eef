/* c-readability: a copydesk document stage written in C.
 *
 * For every document it reads `text` (and `sentences`, the sentence spans
 * the parse stage found, when present) and writes, under its own key
 * ext["c-readability"]:
 *
 *   words               whitespace-separated words in `text`
 *   sentences           the parse stage's sentence count, or, without it,
 *                       a count of `.`, `!` and `?` ending a word
 *   sentences_from      "parse" or "punctuation": where `sentences` came from
 *   words_per_sentence  words / sentences, to 2 decimals (0 with no sentences)
 *   reading_minutes     words / words_per_minute, to 2 decimals
 *   words_per_minute    the option it was computed with (default 230)
 *
 * Everything else in the document is returned as received: the plugin
 * copies the whole document object and adds its one ext key, so no field is
 * lost, including fields this plugin has never heard of.
 *
 * It shows the whole ABI (docs/abi.md, core/include/copydesk.h): the
 * descriptor, the manifest with an option, create/process/destroy, a batch
 * of documents per call, per-document errors, errors for malformed requests,
 * and buffers freed by the side that allocated them. JSON is read and
 * written with cJSON (Debian/Ubuntu: apt-get install libcjson-dev).
 *
 * Build (see README.md here, or `make`):
 *   cc -shared -fPIC -O2 -Wall -Wextra -I../../core/include readability.c \
 *      -o libcopydesk_c_readability.so -lcjson
 * Try it:
 *   copydesk plugin-test ./libcopydesk_c_readability.so ../bundles/kerry-syria/0*.txt
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "copydesk.h"

#define STAGE "c-readability"

/* The manifest: one document stage with one option. `reads` and `writes`
 * name the fields the stage looks at and the one it changes; hosts that do
 * not know these members ignore them (docs/abi.md: readers ignore unknown
 * fields). `provides` lets later stages declare `requires: ["readability"]`. */
static const char MANIFEST[] =
    "{\"stages\":[{"
    "\"name\":\"" STAGE "\","
    "\"kind\":\"document\","
    "\"description\":\"Word and sentence counts, words per sentence and reading time, in ext.c-readability.\","
    "\"options\":[{\"name\":\"words_per_minute\",\"type\":\"integer\",\"default\":230,\"min\":1,\"max\":2000,"
    "\"doc\":\"Reading speed used for reading_minutes.\"}],"
    "\"requires\":[\"text\"],"
    "\"provides\":[\"readability\"],"
    "\"reads\":[\"text\",\"sentences\"],"
    "\"writes\":[\"ext." STAGE "\"]"
    "}]}";

/* A stage instance. `process` may run on several threads at once on the
 * same instance, so it is never written after `create`. */
typedef struct readability {
    double words_per_minute;
} readability;

/* ---- buffers -------------------------------------------------------------
 * Every buffer this plugin hands the host is a string printed by cJSON,
 * allocated with cJSON's allocator; the host gives each one back to
 * free_buffer below, which frees it with the same allocator. */

static copydesk_buffer take_string(char *printed) {
    copydesk_buffer b = {NULL, 0, 0};
    if (printed) {
        b.ptr = (uint8_t *)printed;
        b.len = strlen(printed);
        b.cap = b.len;
    }
    return b;
}

/* An error message {"message": ..., "panic": false}; cJSON escapes the text. */
static cJSON *error_object(const char *message) {
    cJSON *e = cJSON_CreateObject();
    if (e && (!cJSON_AddStringToObject(e, "message", message) || !cJSON_AddFalseToObject(e, "panic"))) {
        cJSON_Delete(e);
        e = NULL;
    }
    return e;
}

/* Sets *out to an error message and returns COPYDESK_STATUS_ERROR. If even
 * that cannot be allocated, *out stays empty (the host then reports the
 * status alone). */
static int32_t fail(copydesk_buffer *out, const char *message) {
    cJSON *e = error_object(message);
    *out = take_string(e ? cJSON_PrintUnformatted(e) : NULL);
    cJSON_Delete(e);
    return COPYDESK_STATUS_ERROR;
}

/* ---- exact numbers -------------------------------------------------------
 * cJSON prints a number with 15 significant digits when that comes within
 * one unit of the last place, so 0.30000000000000004 would come back as 0.3.
 * To return every value exactly as received, numbers are printed here with
 * the fewest digits (15 to 17) that read back as the same double, and handed
 * to cJSON as raw JSON text.
 *
 * cJSON keeps numbers as doubles: an integer beyond 2^53 (9007199254740992)
 * in a document already lost its last digits when the request was parsed.
 * copydesk's own fields never hold such integers; another plugin's ext data
 * might. */
static int keep_numbers_exact(cJSON *item) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item)) {
            char text[32] = "null"; /* as cJSON prints infinities (JSON has none) */
            double d = item->valuedouble;
            for (int digits = 15; digits <= 17 && d - d == 0.0; digits++) {
                snprintf(text, sizeof text, "%.*g", digits, d);
                if (strtod(text, NULL) == d) break;
            }
            char *raw = cJSON_malloc(strlen(text) + 1);
            if (!raw) return 0;
            strcpy(raw, text);
            item->type = cJSON_Raw; /* cJSON_Delete frees valuestring */
            item->valuestring = raw;
        } else if (item->child && !keep_numbers_exact(item->child)) {
            return 0;
        }
    }
    return 1;
}

/* ---- text ----------------------------------------------------------------- */

/* Length of the Unicode White_Space character starting at s (0 if s does not
 * start with one), so words split where Rust's split_whitespace splits. */
static size_t space_at(const unsigned char *s, const unsigned char *end) {
    if (*s == ' ' || (*s >= '\t' && *s <= '\r')) return 1;
    if (end - s >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0)) return 2; /* U+0085, U+00A0 */
    if (end - s >= 3) {
        unsigned c = (unsigned)s[0] << 16 | (unsigned)s[1] << 8 | s[2];
        if (c == 0xE19A80                      /* U+1680 */
            || (c >= 0xE28080 && c <= 0xE2808A) /* U+2000..U+200A */
            || c == 0xE280A8 || c == 0xE280A9   /* U+2028, U+2029 */
            || c == 0xE280AF || c == 0xE2819F   /* U+202F, U+205F */
            || c == 0xE38080)                   /* U+3000 */
            return 3;
    }
    return 0;
}

typedef struct counts {
    long words;
    long sentence_ends; /* words ending in . ! or ? (optionally before a closing quote or bracket) */
} counts;

static counts count_text(const char *text) {
    counts c = {0, 0};
    const unsigned char *s = (const unsigned char *)text, *end = s + strlen(text);
    while (s < end) {
        size_t n = space_at(s, end);
        if (n) {
            s += n;
            continue;
        }
        /* a word: up to the next white space */
        const unsigned char *word = s;
        while (s < end && !space_at(s, end)) s++;
        const unsigned char *last = s - 1;
        while (last > word && strchr("\"')]", *last)) last--;
        c.words++;
        if (*last == '.' || *last == '!' || *last == '?') c.sentence_ends++;
    }
    return c;
}

/* x >= 0 rounded to 2 decimals (without libm). */
static double two_decimals(double x) { return (double)(long long)(x * 100.0 + 0.5) / 100.0; }

/* ---- one document ----------------------------------------------------------
 * Adds ext["c-readability"] to `doc` in place. Returns NULL on success, else
 * why the document cannot be scored (the host records it as that document's
 * error; the other documents of the batch go on). */
static const char *score(const readability *r, cJSON *doc) {
    if (!cJSON_IsObject(doc)) return "the document is not a JSON object";
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(doc, "text");
    if (!cJSON_IsString(text)) return "the document has no `text` string: put the parse stage before " STAGE;
    cJSON *ext = cJSON_GetObjectItemCaseSensitive(doc, "ext");
    if (ext && !cJSON_IsObject(ext) && !cJSON_IsNull(ext)) return "the document's `ext` is not an object";

    counts c = count_text(text->valuestring);
    const cJSON *spans = cJSON_GetObjectItemCaseSensitive(doc, "sentences");
    int from_parse = cJSON_IsArray(spans) && cJSON_GetArraySize(spans) > 0;
    long sentences = from_parse ? cJSON_GetArraySize(spans) : c.sentence_ends;
    if (!from_parse && sentences == 0 && c.words > 0) sentences = 1; /* text without end punctuation */

    cJSON *mine = cJSON_CreateObject();
    if (!mine) return "out of memory";
    if (!cJSON_AddNumberToObject(mine, "words", (double)c.words)
        || !cJSON_AddNumberToObject(mine, "sentences", (double)sentences)
        || !cJSON_AddStringToObject(mine, "sentences_from", from_parse ? "parse" : "punctuation")
        || !cJSON_AddNumberToObject(mine, "words_per_sentence",
                                    sentences ? two_decimals((double)c.words / (double)sentences) : 0.0)
        || !cJSON_AddNumberToObject(mine, "reading_minutes", two_decimals((double)c.words / r->words_per_minute))
        || !cJSON_AddNumberToObject(mine, "words_per_minute", r->words_per_minute)) {
        cJSON_Delete(mine);
        return "out of memory";
    }

    if (!cJSON_IsObject(ext)) { /* absent or null: a fresh ext object */
        cJSON *fresh = cJSON_CreateObject();
        if (!fresh) {
            cJSON_Delete(mine);
            return "out of memory";
        }
        if (!(ext ? cJSON_ReplaceItemInObjectCaseSensitive(doc, "ext", fresh) : cJSON_AddItemToObject(doc, "ext", fresh))) {
            cJSON_Delete(fresh);
            cJSON_Delete(mine);
            return "out of memory";
        }
        ext = fresh;
    }
    /* Our own key only: replaced if an earlier run of this stage left one. */
    cJSON_bool added = cJSON_GetObjectItemCaseSensitive(ext, STAGE)
                           ? cJSON_ReplaceItemInObjectCaseSensitive(ext, STAGE, mine)
                           : cJSON_AddItemToObject(ext, STAGE, mine);
    if (!added) {
        cJSON_Delete(mine);
        return "out of memory";
    }
    return NULL;
}

/* ---- the ABI functions ------------------------------------------------------ */

static int32_t readability_create(const char *stage, const uint8_t *config, size_t config_len, void **out_instance,
                                  copydesk_buffer *out_error) {
    if (strcmp(stage, STAGE) != 0) return fail(out_error, "no such stage (this plugin has `" STAGE "`)");
    /* The host sends every declared option, defaults filled in, already
     * checked against the manifest; a stage checks again for callers that
     * skip those checks. */
    cJSON *options = cJSON_ParseWithLength((const char *)config, config_len);
    const cJSON *wpm = cJSON_GetObjectItemCaseSensitive(options, "words_per_minute");
    double words_per_minute = cJSON_IsNumber(wpm) ? wpm->valuedouble : 230.0;
    cJSON_Delete(options);
    if (!(words_per_minute >= 1.0 && words_per_minute <= 2000.0))
        return fail(out_error, "option `words_per_minute` must be between 1 and 2000");
    readability *r = malloc(sizeof *r);
    if (!r) return fail(out_error, "out of memory");
    r->words_per_minute = words_per_minute;
    *out_instance = r;
    return COPYDESK_STATUS_OK;
}

/* True when the JSON text holds the escape \u0000: cJSON keeps strings
 * NUL-terminated and would cut such a string short. */
static int has_nul_escape(const uint8_t *json, size_t len) {
    for (size_t i = 0; i + 6 <= len; i++) {
        if (json[i] == '\\' && memcmp(json + i + 1, "u0000", 5) == 0) {
            size_t backslashes = 0; /* an escape only after an even run of backslashes */
            while (backslashes < i && json[i - 1 - backslashes] == '\\') backslashes++;
            if (backslashes % 2 == 0) return 1;
        }
    }
    return 0;
}

/* The request is {"op": "documents", "documents": [Document, ...]}; the
 * response is {"results": [{"ok": Document} | {"error": {...}}, ...]}, one
 * result per document, in order. A request this stage cannot read at all
 * is answered with status 1 and an error message. */
static int32_t readability_process(void *instance, const uint8_t *input, size_t input_len, copydesk_buffer *out) {
    const readability *r = instance;
    if (has_nul_escape(input, input_len))
        return fail(out, "the request holds a NUL character (\\u0000), which " STAGE " (cJSON) cannot keep");

    /* (On a parse failure cJSON also notes the position in a global, for
     * cJSON_GetErrorPtr; this plugin never reads it, as other threads may
     * overwrite it; `end` is ours.) */
    const char *end = NULL;
    cJSON *request = cJSON_ParseWithLengthOpts((const char *)input, input_len, &end, 0);
    if (!request) return fail(out, "malformed request: not valid JSON");
    while (end && end < (const char *)input + input_len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    if (end != (const char *)input + input_len) {
        cJSON_Delete(request);
        return fail(out, "malformed request: text after the JSON object");
    }
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(request, "op");
    cJSON *documents = cJSON_GetObjectItemCaseSensitive(request, "documents");
    if (!cJSON_IsObject(request) || !cJSON_IsString(op)) {
        cJSON_Delete(request);
        return fail(out, "malformed request: expected an object with an `op`");
    }
    if (strcmp(op->valuestring, "documents") != 0) {
        cJSON_Delete(request);
        return fail(out, "malformed request: " STAGE " is a document stage and takes `documents` requests only");
    }
    if (!cJSON_IsArray(documents)) {
        cJSON_Delete(request);
        return fail(out, "malformed request: `documents` is not an array");
    }

    cJSON *response = cJSON_CreateObject();
    cJSON *results = cJSON_AddArrayToObject(response, "results");
    if (!results) {
        cJSON_Delete(response);
        cJSON_Delete(request);
        return fail(out, "out of memory");
    }
    /* Move each document out of the request into its result, so it is
     * returned whole, not rebuilt field by field. */
    int out_of_memory = 0;
    cJSON *doc;
    while (!out_of_memory && (doc = cJSON_DetachItemFromArray(documents, 0)) != NULL) {
        const char *why = score(r, doc);
        cJSON *result = cJSON_CreateObject();
        if (!result || !cJSON_AddItemToArray(results, result)) {
            cJSON_Delete(result);
            cJSON_Delete(doc);
            out_of_memory = 1;
        } else if (why) {
            cJSON_Delete(doc);
            cJSON *e = error_object(why);
            if (!e || !cJSON_AddItemToObject(result, "error", e)) {
                cJSON_Delete(e);
                out_of_memory = 1;
            }
        } else if (!cJSON_AddItemToObject(result, "ok", doc)) {
            cJSON_Delete(doc);
            out_of_memory = 1;
        }
    }
    cJSON_Delete(request);

    char *printed = out_of_memory || !keep_numbers_exact(response) ? NULL : cJSON_PrintUnformatted(response);
    cJSON_Delete(response);
    if (!printed) return fail(out, "out of memory");
    *out = take_string(printed);
    return COPYDESK_STATUS_OK;
}

static void readability_destroy(void *instance) { free(instance); }

static void readability_free_buffer(copydesk_buffer buffer) { cJSON_free(buffer.ptr); }

static const copydesk_plugin_descriptor DESCRIPTOR = {
    COPYDESK_ABI_VERSION,
    sizeof(copydesk_plugin_descriptor),
    STAGE,
    "0.1.0",
    "Word and sentence counts and reading time (a plugin written in C, with cJSON).",
    MANIFEST,
    readability_create,
    readability_process,
    readability_destroy,
    readability_free_buffer,
};

const copydesk_plugin_descriptor *copydesk_plugin_entry(void) { return &DESCRIPTOR; }
