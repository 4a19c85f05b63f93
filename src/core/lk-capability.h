/* lk-capability.h: which passcode action a device supports, and why.
 *
 * One table in lk-capability.c implements DESIGN.md "Capability rules"; each row cites the
 * Microsoft documentation it comes from. Missing or contradictory facts give UNKNOWN with what is
 * missing, never SUPPORTED.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "lk-device.h"

G_BEGIN_DECLS

typedef enum
{
  LK_SUPPORT_UNKNOWN,          /* facts missing or contradictory: see the reason */
  LK_SUPPORT_NOT_SUPPORTED,    /* reason says why */
  LK_SUPPORT_SUPPORTED,
  LK_SUPPORT_SUPPORTED_WITH_CAVEATS,
} LkSupport;

typedef enum
{
  LK_ACTION_KIND_NONE,
  LK_ACTION_KIND_REMOVE_PASSCODE,               /* Apple: Graph resetPasscode removes it */
  LK_ACTION_KIND_RESET_DEVICE_PASSCODE,         /* Android: temporary device passcode */
  LK_ACTION_KIND_RESET_PASSCODE,                /* Android fully managed: see the note */
  LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE,   /* Android work profile only */
} LkActionKind;

/* The Graph action's name: "removePasscode", "resetDevicePasscode"… ("none"). */
const char *lk_action_kind_to_string (LkActionKind kind);

typedef enum
{
  LK_PLATFORM_UNKNOWN,
  LK_PLATFORM_IOS,        /* iOS and iPadOS */
  LK_PLATFORM_VISIONOS,
  LK_PLATFORM_ANDROID,
  LK_PLATFORM_MACOS,
  LK_PLATFORM_WINDOWS,
  LK_PLATFORM_LINUX,
  LK_PLATFORM_CHROMEOS,
  LK_PLATFORM_OTHER,
} LkPlatform;

#define LK_TYPE_CAPABILITY (lk_capability_get_type ())
G_DECLARE_FINAL_TYPE (LkCapability, lk_capability, LK, CAPABILITY, GObject)

LkCapability *lk_capability_new_for_device   (LkDevice     *device);

LkSupport     lk_capability_get_support      (LkCapability *self);
LkActionKind  lk_capability_get_action_kind  (LkCapability *self);
LkPlatform    lk_capability_get_platform     (LkCapability *self);
/* Short translated label for the badge, e.g. "Remove passcode", "Not supported", "Unknown". */
const char   *lk_capability_get_label        (LkCapability *self);
/* The same as a state, for badges: "Can remove passcode", "Not supported", "Unknown". */
const char   *lk_capability_get_state_label  (LkCapability *self);
/* Translated sentence: why supported / not / unknown (what is missing). Never NULL. */
const char   *lk_capability_get_reason       (LkCapability *self);
/* Translated caveats, one sentence each (e.g. the passcode-policy prerequisite); may be empty. */
const char *const *lk_capability_get_caveats (LkCapability *self);
/* When the device can take the action but has not checked in for LK_STALE_CHECK_IN_DAYS (or
 * ever), a translated sentence saying the action waits for it; else NULL. This caveat changes
 * the outcome, so the badge shows it with a warning sign; it is also the last of the caveats. */
#define LK_STALE_CHECK_IN_DAYS 14
const char   *lk_capability_get_stale_note   (LkCapability *self);
/* Microsoft documentation the row cites. */
const char   *lk_capability_get_doc_url      (LkCapability *self);
/* Which table row matched (stable id like "ios-corporate"), for tests and the history. */
const char   *lk_capability_get_rule_id      (LkCapability *self);
/* TRUE when a wizard may be started: SUPPORTED or SUPPORTED_WITH_CAVEATS. */
gboolean      lk_capability_can_act          (LkCapability *self);
/* Whether a successful action returns a temporary passcode to the admin (Android resets). */
gboolean      lk_capability_returns_passcode (LkCapability *self);

LkPlatform    lk_platform_from_operating_system (const char *operating_system);

/* Everything of a device that lk_capability_new_for_device() reads, for a caller that classifies
 * many devices and keeps what it made of each distinct kind (the CLI writes a capability's JSON
 * once per kind): devices with equal inputs get capabilities with the same words. The strings
 * are the device's, borrowed. */
typedef struct
{
  const char *operating_system;
  const char *os_version;
  const char *model;
  const char *enrollment_type;
  const char *device_type;
  const char *owner_type;
  const char *management_agent;
  int         is_shared_device;
  gboolean    never_checked_in;
} LkCapabilityInputs;

/* Fills @inputs; FALSE when the words also depend on the date (a device that can take the
 * action and has not checked in since before LK_STALE_CHECK_IN_DAYS before @now_us: its
 * caveat names the day), so equal inputs do not mean the same words. The support, action,
 * label and rule depend on @inputs alone either way. */
gboolean      lk_capability_get_inputs       (LkDevice           *device,
                                              gint64              now_us,
                                              LkCapabilityInputs *inputs);
guint         lk_capability_inputs_hash      (gconstpointer       inputs);
gboolean      lk_capability_inputs_equal     (gconstpointer       a,
                                              gconstpointer       b);
const char   *lk_action_kind_to_label           (LkActionKind kind);  /* translated */
const char   *lk_action_kind_to_state_label     (LkActionKind kind);  /* translated */

/* Parses "8.1.0", "13", "17.4.1 (21E236)" → major, minor; FALSE if no leading number. */
gboolean      lk_parse_os_version            (const char   *version,
                                              guint        *major,
                                              guint        *minor);

G_END_DECLS
