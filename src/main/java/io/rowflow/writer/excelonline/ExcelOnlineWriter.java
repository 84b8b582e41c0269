package io.rowflow.writer.excelonline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.PickerRequest;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import io.rowflow.writer.excel.ExcelWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Keeps an Excel workbook in a OneDrive or SharePoint drive fresh, through Microsoft Graph. <b>workbook</b> mode
 * uploads the whole .xlsx the Excel destination builds ({@link ExcelWriter}) in an upload session, so the stored file
 * is replaced at once when the last fragment arrives and stays as it was if the upload fails. <b>worksheet</b> mode
 * writes the rows into one sheet of the existing workbook in a workbook session ({@link WorksheetRefresh}), leaving
 * its other sheets, formulas and charts alone; when the file does not exist yet, it is uploaded as in workbook mode.
 */
@ApplicationScoped
public class ExcelOnlineWriter implements DestinationWriter {
    public static final String ID = "excel-online";
    public static final String CONNECTION_TYPE = "microsoft";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/excel-online-destination.json");
    private static final Logger LOG = Logger.getLogger(ExcelOnlineWriter.class);
    /** A folder picker's value for the drive's top level. */
    static final String ROOT = "root";

    private final SafeHttpClient http;
    private final GraphConfig config;
    private final ExcelWriter excel;

    public ExcelOnlineWriter(SafeHttpClient http, GraphConfig config, ExcelWriter excel) {
        this.http = http;
        this.config = config;
        this.excel = excel;
    }

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Excel Online (OneDrive, SharePoint)", "files", "connection", SCHEMA.document())
                .withConnectionType(CONNECTION_TYPE)
                .withPickers(List.of(WriterDescriptor.Picker.of(ID, "drive", "Drive", List.of(), false),
                        WriterDescriptor.Picker.of(ID, "folder", "Folder", List.of("drive"), true),
                        WriterDescriptor.Picker.of(ID, "sheetName", "Sheet", List.of("drive", "folder", "fileName"),
                                false)));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    /**
     * The drives the account reaches; a drive's folders (its top level, and one level down); or the sheets of the
     * workbook named (none while the file does not exist).
     */
    @Override
    public List<PickerOption> options(String setting, PickerRequest request) {
        GraphClient graph = graph(request.connection());
        return switch (setting) {
            case "drive" -> graph.list("/me/drives?$select=id,name,driveType", GraphClient.Drive.class,
                    "listing the account's drives").stream().map(d -> new PickerOption(d.id(), driveLabel(d))).toList();
            case "folder" -> folders(graph, request.require("drive"));
            case "sheetName" -> sheets(graph, request);
            default -> DestinationWriter.super.options(setting, request);
        };
    }

    private static String driveLabel(GraphClient.Drive drive) {
        return "documentLibrary".equals(drive.driveType()) ? "SharePoint: " + drive.name() : "OneDrive"
                + (drive.name() == null || drive.name().equalsIgnoreCase("OneDrive") ? "" : " (" + drive.name() + ")");
    }

    private static List<PickerOption> folders(GraphClient graph, String drive) {
        List<PickerOption> options = new ArrayList<>();
        options.add(new PickerOption(ROOT, "/ (top of the drive)"));
        for (GraphClient.DriveItem top : childFolders(graph, drivePath(drive) + "/root")) {
            options.add(new PickerOption(top.id(), "/" + top.name()));
            if (top.folder().childCount() == null || top.folder().childCount() > 0) {
                for (GraphClient.DriveItem inner : childFolders(graph, drivePath(drive) + "/items/"
                        + GraphClient.segment(top.id()))) {
                    options.add(new PickerOption(inner.id(), "/" + top.name() + "/" + inner.name()));
                }
            }
        }
        return options;
    }

    /** The folders in a folder, by name (files are left out here: OneDrive for work filters children poorly). */
    private static List<GraphClient.DriveItem> childFolders(GraphClient graph, String folderPath) {
        return graph.list(folderPath + "/children?$select=id,name,folder&$top=200", GraphClient.DriveItem.class,
                "listing the folders").stream().filter(i -> i.folder() != null)
                .sorted(Comparator.comparing(i -> i.name().toLowerCase(java.util.Locale.ROOT))).toList();
    }

    private static List<PickerOption> sheets(GraphClient graph, PickerRequest request) {
        String file = itemPath(request.require("drive"), request.values().getOrDefault("folder", ROOT),
                request.require("fileName"));
        try {
            return graph.list(file + "/workbook/worksheets?$select=id,name", GraphClient.Worksheet.class,
                    "listing the workbook's sheets").stream().map(s -> new PickerOption(s.name(), s.name())).toList();
        } catch (UpstreamException e) {
            if (e.status() == 404) {
                return List.of(); // not there yet: the first run makes it
            }
            throw e;
        }
    }

    /** A new folder at the top of the drive. */
    @Override
    public PickerOption create(String setting, PickerRequest request, String title) {
        if (!setting.equals("folder")) {
            return DestinationWriter.super.create(setting, request, title);
        }
        String name = title.strip();
        if (name.isEmpty() || name.length() > 250 || name.matches(".*[\"*:<>?/\\\\|].*") || name.endsWith(".")) {
            throw InvalidInputException.field("title", "a folder's name has none of \" * : < > ? / \\ | and does not"
                    + " end with a dot");
        }
        Map<String, Object> folder = new LinkedHashMap<>();
        folder.put("name", name);
        folder.put("folder", Map.of());
        folder.put("@microsoft.graph.conflictBehavior", "fail");
        try {
            GraphClient.DriveItem made = graph(request.connection()).post(drivePath(request.require("drive"))
                    + "/root/children", folder, Map.of(), GraphClient.DriveItem.class, "creating the folder " + name);
            return new PickerOption(made.id(), "/" + made.name());
        } catch (UpstreamException e) {
            if (e.status() == 409) {
                throw InvalidInputException.field("title", "the drive already has \"" + name + "\" at its top: pick"
                        + " it from the list");
            }
            throw e;
        }
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        if (context.connection() == null) {
            throw new DataException("No Microsoft connection chosen for Excel Online: pick one in the destination's"
                    + " settings");
        }
        JsonNode settings = SCHEMA.withDefaults(context.settings());
        String drive = settings.get("drive").asText();
        String fileName = settings.get("fileName").asText();
        String sheetName = settings.path("sheetName").asText("Data");
        String file = itemPath(drive, settings.path("folder").asText(ROOT), fileName);
        GraphClient graph = graph(context.connection());
        if (settings.path("mode").asText().equals("worksheet")) {
            GraphClient.DriveItem existing = existing(graph, file, fileName);
            if (existing != null) {
                long rows = new WorksheetRefresh(graph, config.cellsPerRequest()).refresh(drivePath(drive) + "/items/"
                        + GraphClient.segment(existing.id()), sheetName, context, table);
                return new WriteResult(rows, location(existing, fileName), false, graph.calls());
            }
        }
        return upload(graph, file, fileName, sheetName, context, table);
    }

    /** Builds the workbook as the Excel destination does, in a folder of its own, and uploads it. */
    private WriteResult upload(GraphClient graph, String file, String fileName, String sheetName, WriteContext context,
            StagedTable table) throws Exception {
        Files.createDirectories(context.folder());
        Path build = Files.createTempDirectory(context.folder(), ".excel-online-");
        try {
            ObjectNode workbook = GraphClient.JSON.createObjectNode().put("sheetName", sheetName).put("mode", "replace");
            WriteResult built = excel.write(new WriteContext(workbook, context.staging(), build, context.cancelled(), () -> {
            }, context.writeId()), table);
            long started = System.nanoTime();
            WorkbookUpload.Uploaded uploaded = new WorkbookUpload(graph, config.uploadChunkBytes()).upload(file,
                    fileName, build.resolve(ExcelWriter.FILE_NAME), context.fence(), context.cancelled());
            LOG.infof("Uploaded %s: %d bytes in %d fragments, %d ms", fileName, uploaded.bytes(), uploaded.fragments(),
                    (System.nanoTime() - started) / 1_000_000);
            return new WriteResult(built.rowsWritten(), location(uploaded.item(), fileName), false, graph.calls());
        } finally {
            try (Stream<Path> files = Files.walk(build)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.debugf("Could not remove %s: %s", build, e.getMessage());
            }
        }
    }

    /** The stored file, or null when there is none yet. */
    private static GraphClient.DriveItem existing(GraphClient graph, String file, String fileName) {
        try {
            return graph.get(file + "?$select=id,name,size,folder,webUrl", GraphClient.DriveItem.class, "looking for "
                    + fileName);
        } catch (UpstreamException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String location(GraphClient.DriveItem item, String fileName) {
        return item != null && item.webUrl() != null ? item.webUrl() : fileName;
    }

    private GraphClient graph(ConnectionAccess access) {
        return new GraphClient(http, config.baseUrl(), access.tokens());
    }

    static String drivePath(String drive) {
        return "/drives/" + GraphClient.segment(drive);
    }

    /** A file by its name in a folder, as Graph addresses it ({@code …:/name:}, the colons closing the path). */
    static String itemPath(String drive, String folder, String fileName) {
        String parent = folder == null || folder.isBlank() || folder.equals(ROOT) ? drivePath(drive) + "/root"
                : drivePath(drive) + "/items/" + GraphClient.segment(folder);
        return parent + ":/" + GraphClient.segment(fileName) + ":";
    }
}
