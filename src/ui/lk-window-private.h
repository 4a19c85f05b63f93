/* lk-window-private.h: LkWindow's insides, shared by the files it is made of: lk-window.c
 * (search, states, the device pane) and lk-window-filters.c (the platform and ownership
 * toggles). Main thread only, as every widget.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-device-list.h"
#include "lk-device-page.h"
#include "lk-window.h"

G_BEGIN_DECLS

struct _LkWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkSearchEntry       *search_entry;
  GtkRevealer          *demo_banner;
  GtkStack             *stack;
  AdwStatusPage        *no_results_page;
  AdwStatusPage        *filtered_page;
  GtkMenuButton        *filter_button;
  AdwStatusPage        *error_page;
  GtkLabel             *error_ids_label;
  GtkWidget            *retry_button;
  GtkWidget            *sign_in_again_button;
  AdwStatusPage        *throttled_page;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkListView          *list_view;
  GtkWidget            *device_pane;
  LkDevicePage         *device_page;
  AdwWindowTitle       *window_title;
  GtkCheckButton       *filter_ios;
  GtkCheckButton       *filter_android;
  GtkCheckButton       *filter_windows;
  GtkCheckButton       *filter_macos;
  GtkCheckButton       *filter_other;
  GtkCheckButton       *filter_corporate;
  GtkCheckButton       *filter_personal;
  GMenu                *accounts_section;

  LkDeviceList         *store;   /* what the list shows: the toggles filter it */
  LkDevice             *listed_open; /* the store's instance of the open device, if found */
  guint                 selection_to_come; /* its position, until the list view has it */
  guint                 scroll_tick;   /* a new search scrolls to the top after a frame */
  guint                 scroll_frames;

  LkGraphClient        *client;
  gulong                throttled_id;
  gulong                waiting_id;
  GCancellable         *search_cancellable;
  char                 *last_query;
  gboolean              demo;
  gboolean              setting_text;
};

/* lk-window.c */
/* The listing, or why it is empty although devices were found. */
void  lk_window_show_listing      (LkWindow   *self);

/* lk-window-filters.c */
/* A device's class for the toggles (LkDeviceClassFunc: pure, the list may run it in a worker). */
guint lk_window_device_class      (LkDevice   *device);
/* The template's callback for every toggle, and once at start. */
void  lk_window_filter_toggled_cb (LkWindow   *self);
/* win.show-all: every toggle on. */
void  lk_window_show_all_action   (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter);

G_END_DECLS
