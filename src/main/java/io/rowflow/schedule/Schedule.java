package io.rowflow.schedule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * When a flow refreshes, as a business user says it: a preset ("every 30 minutes", "weekly on Monday at 09:00"), an
 * optional time window and days of week for the interval presets, an IANA time zone, or a cron expression for experts.
 * Stored as part of the flow; the scheduler drives it.
 *
 * @param preset every_15_minutes, every_30_minutes, hourly, every_n_hours, daily, weekly, monthly or cron
 * @param timezone IANA zone id, e.g. Europe/Berlin; UTC when absent
 * @param hours the N of every_n_hours (1–23), counted from midnight
 * @param times local times of day (HH:mm) for daily, weekly and monthly
 * @param daysOfWeek MON…SUN: the days of weekly, or the days the interval presets run on
 * @param daysOfMonth 1–31 for monthly (a day the month lacks means its last day), or -1 for the last day
 * @param window local hours the interval presets run within, both ends included
 * @param cron a Quartz cron expression (seconds first), evaluated in the time zone
 * @param paused a paused schedule keeps its settings and fires nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record Schedule(String preset, String timezone, Integer hours, List<String> times, List<String> daysOfWeek,
        List<Integer> daysOfMonth, Window window, String cron, Boolean paused) {

    public record Window(String from, String to) {
    }

    public boolean isPaused() {
        return Boolean.TRUE.equals(paused);
    }
}
