/* wv-test-render.h: helpers for the chart tests: windows, offscreen
 * rendering, pixels and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_TEST_NO_DISPLAY "no display: neither WAYLAND_DISPLAY nor DISPLAY is set (run under xvfb-run -a)"

gboolean    wv_test_init_gtk       (void);
gboolean    wv_test_have_gtk       (void);
GtkWidget  *wv_test_window_new     (GtkWidget     *child,
                                    int            width,
                                    int            height);
void        wv_test_window_resize  (GtkWidget     *window,
                                    GtkWidget     *child,
                                    int            width,
                                    int            height);
void        wv_test_set_dark       (gboolean       dark);
void        wv_test_iterate        (guint          ms);
GdkTexture *wv_test_render         (GtkWidget     *widget);
GskRenderNode *wv_test_snapshot_node (GtkWidget   *widget);
typedef struct
{
  int      width;
  int      height;
  guint32 *data;    /* 0xAARRGGBB, premultiplied */
} WvTestImage;

WvTestImage *wv_test_image_new     (GdkTexture    *texture);
void        wv_test_image_free     (WvTestImage   *image);
guint32     wv_test_image_pixel    (WvTestImage   *image,
                                    int            x,
                                    int            y);
int         wv_test_image_find_row (WvTestImage   *image,
                                    int            x,
                                    int            y_from,
                                    int            y_to,
                                    const GdkRGBA *color,
                                    double         tolerance);
double      wv_test_color_distance (guint32        pixel,
                                    const GdkRGBA *color);
char       *wv_test_save_png       (GdkTexture    *texture,
                                    const char    *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvTestImage, wv_test_image_free)

G_END_DECLS
