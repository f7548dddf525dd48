package dev.breakwater.examples.trading;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.examples.trading.TradingScenario.Result;
import dev.breakwater.examples.trading.TradingScenario.Sample;
import dev.breakwater.examples.trading.TradingScenario.Transition;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's chart (XChart, one PNG of three panels sharing the time axis): caller latency per
 * second with and without the breaker, the primary breaker's state, and orders answered per
 * second by outcome. Phase boundaries are drawn on every panel.
 */
final class DemoChart {
  private static final int WIDTH = 1000;
  private static final int PANEL_HEIGHT = 300;
  private static final Color WITH = new Color(0x1f, 0x77, 0xb4);
  private static final Color WITHOUT = new Color(0xd6, 0x27, 0x28);

  private DemoChart() { }

  static void write(Result with, Result without, Path png) throws IOException {
    double end = with.script().totalDuration().toMillis() / 1000.0;
    for (Result r : List.of(with, without)) {
      if (!r.samples().isEmpty()) {
        end = Math.max(end, r.samples().get(r.samples().size() - 1).seconds());
      }
    }
    List<XYChart> panels = List.of(latency(with, without), state(with, end),
        orders(with, without));
    String phases = phaseTitle(with.script());
    for (XYChart c : panels) {
      c.getStyler().setXAxisMin(0.0).setXAxisMax(Math.ceil(end));
      c.setXAxisTitle(phases);
      phaseLines(c, with.script());
    }
    BitmapEncoder.saveBitmap(panels, panels.size(), 1, png.toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart base(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT).title(title)
        .xAxisTitle("seconds since the script started").yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridVerticalLinesVisible(false);
    c.getStyler().setMarkerSize(3);
    c.getStyler().setAntiAlias(true);
    return c;
  }

  private static XYChart latency(Result with, Result without) {
    XYChart c = base("Caller latency per second, same fault script (log scale)", "ms");
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisDecimalPattern("#,##0.#");
    // Headroom above the data for the legend (upper left).
    double top = 1;
    for (Result r : List.of(with, without)) {
      for (Sample s : r.samples()) {
        top = Math.max(top, s.p99Micros() / 1000.0);
      }
    }
    c.getStyler().setYAxisMin(1.0).setYAxisMax(top * 20);
    add(c, "p99 with breaker", with.samples(), s -> s.p99Micros() / 1000.0, WITH, false);
    add(c, "p50 with breaker", with.samples(), s -> s.p50Micros() / 1000.0, WITH, true);
    add(c, "p99 without (retry only)", without.samples(), s -> s.p99Micros() / 1000.0, WITHOUT,
        false);
    add(c, "p50 without (retry only)", without.samples(), s -> s.p50Micros() / 1000.0, WITHOUT,
        true);
    return c;
  }

  private static void add(XYChart c, String name, List<Sample> samples,
      ToDoubleFunction<Sample> y, Color color, boolean dashed) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Sample s : samples) {
      double v = y.applyAsDouble(s);
      if (s.latencyCount() > 0 && v > 0) { // a log axis has no zero
        xs.add(s.seconds());
        ys.add(v);
      }
    }
    if (xs.isEmpty()) {
      return;
    }
    XYSeries series = c.addSeries(name, xs, ys);
    series.setLineColor(color);
    series.setMarkerColor(color);
    series.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    if (dashed) {
      series.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
          10f, new float[] {6f, 4f}, 0f));
    }
  }

  private static XYChart state(Result with, double end) {
    XYChart c = base("State of the " + TradingScenario.PRIMARY + " breaker (run with breaker)",
        "state");
    c.getStyler().setYAxisMin(-0.3).setYAxisMax(2.8);
    c.getStyler().setYAxisTicksVisible(false);
    c.getStyler().setLegendVisible(false);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    xs.add(0.0);
    ys.add(0.0);
    for (Transition t : with.transitions()) {
      if (t.breaker().equals(TradingScenario.PRIMARY)) {
        xs.add(t.seconds());
        ys.add(level(t.to()));
      }
    }
    xs.add(end);
    ys.add(ys.get(ys.size() - 1));
    XYSeries s = c.addSeries(TradingScenario.PRIMARY + " breaker", xs, ys);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(WITH);
    s.setLineWidth(2f);
    // Data-space labels: the axis is linear here.
    double labelX = Math.max(0.6, end * 0.04);
    c.addAnnotation(new AnnotationText("CLOSED", labelX, 0.15, false));
    c.addAnnotation(new AnnotationText("HALF_OPEN", labelX, 1.15, false));
    c.addAnnotation(new AnnotationText("OPEN", labelX, 2.15, false));
    double at = 0;
    for (FaultScript.Phase p : with.script().phases()) {
      double length = p.duration().toMillis() / 1000.0;
      c.addAnnotation(new AnnotationText(p.name(), at + length / 2, 2.6, false));
      at += length;
    }
    return c;
  }

  private static double level(CircuitBreaker.State s) {
    switch (s) {
      case CLOSED:
        return 0;
      case HALF_OPEN:
        return 1;
      default:
        return 2;
    }
  }

  private static XYChart orders(Result with, Result without) {
    XYChart c = base("Orders answered per second", "orders/s");
    double top = 1;
    for (Result r : List.of(with, without)) {
      for (Sample s : r.samples()) {
        top = Math.max(top, Math.max(s.filledPrimary() + s.filledBackup(), s.failed()));
      }
    }
    c.getStyler().setYAxisMin(0.0).setYAxisMax(Math.ceil(top * 1.9 / 10) * 10);
    addCount(c, "filled by " + TradingScenario.PRIMARY + ", with breaker", with.samples(),
        Sample::filledPrimary, WITH, false);
    addCount(c, "failed over to " + TradingScenario.BACKUP + ", with breaker", with.samples(),
        Sample::filledBackup, new Color(0x2c, 0xa0, 0x2c), false);
    addCount(c, "filled, without breaker", without.samples(), Sample::filledPrimary, WITHOUT,
        true);
    addCount(c, "failed, without breaker", without.samples(), Sample::failed,
        new Color(0xff, 0x7f, 0x0e), true);
    return c;
  }

  private static void addCount(XYChart c, String name, List<Sample> samples,
      ToDoubleFunction<Sample> y, Color color, boolean dashed) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Sample s : samples) {
      xs.add(s.seconds());
      ys.add(y.applyAsDouble(s));
    }
    if (xs.isEmpty()) {
      return;
    }
    XYSeries series = c.addSeries(name, xs, ys);
    series.setLineColor(color);
    series.setMarkerColor(color);
    series.setMarker(SeriesMarkers.NONE);
    if (dashed) {
      series.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
          10f, new float[] {6f, 4f}, 0f));
    }
  }

  /** A vertical line at each phase boundary. */
  private static void phaseLines(XYChart c, FaultScript script) {
    double at = 0;
    for (FaultScript.Phase p : script.phases()) {
      if (at > 0) {
        c.addAnnotation(new AnnotationLine(at, true, false));
      }
      at += p.duration().toMillis() / 1000.0;
    }
  }

  /** The x-axis title: seconds, and where each phase lies. */
  private static String phaseTitle(FaultScript script) {
    StringBuilder b = new StringBuilder("seconds since the script started:  ");
    double at = 0;
    for (FaultScript.Phase p : script.phases()) {
      double length = p.duration().toMillis() / 1000.0;
      b.append(at == 0 ? "" : "  |  ").append(p.name()).append(String.format(
          java.util.Locale.ROOT, " %.0f-%.0f s", at, at + length));
      at += length;
    }
    return b.toString();
  }
}
