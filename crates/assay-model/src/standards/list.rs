//! Written by `cargo xtask standards`; do not edit. Every field standard of the catalog.

use super::Standard;

pub(super) static STANDARDS: [Standard; 100] = [
    Standard {
        code: "IF-B06",
        path: "catalog/IF-B06/longwall-methane-overlimit-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B06/longwall-methane-overlimit-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B07",
        path: "catalog/IF-B07/rod-pump-dynacard-diagnosis-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B07/rod-pump-dynacard-diagnosis-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B08",
        path: "catalog/IF-B08/magnetite-concentrate-grade-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B08/magnetite-concentrate-grade-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B09",
        path: "catalog/IF-B09/copper-flotation-recovery-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B09/copper-flotation-recovery-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B10",
        path: "catalog/IF-B10/quarry-blast-fragmentation-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B10/quarry-blast-fragmentation-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B11",
        path: "catalog/IF-B11/drilling-kick-loss-detection-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B11/drilling-kick-loss-detection-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-B12",
        path: "catalog/IF-B12/geothermal-well-drawdown-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-B12/geothermal-well-drawdown-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C13",
        path: "catalog/IF-C13/wheat-flour-extraction-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C13/wheat-flour-extraction-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C14",
        path: "catalog/IF-C14/dairy-daily-demand-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C14/dairy-daily-demand-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C15",
        path: "catalog/IF-C15/baijiu-pit-fermentation-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C15/baijiu-pit-fermentation-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C16",
        path: "catalog/IF-C16/cut-tobacco-drying-moisture-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C16/cut-tobacco-drying-moisture-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C17",
        path: "catalog/IF-C17/woven-fabric-defect-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C17/woven-fabric-defect-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C18",
        path: "catalog/IF-C18/sewing-line-efficiency-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C18/sewing-line-efficiency-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C19",
        path: "catalog/IF-C19/wet-blue-hide-grading-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C19/wet-blue-hide-grading-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C20",
        path: "catalog/IF-C20/particleboard-internal-bond-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C20/particleboard-internal-bond-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C21",
        path: "catalog/IF-C21/furniture-finishing-voc-rto-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C21/furniture-finishing-voc-rto-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C22",
        path: "catalog/IF-C22/paper-machine-sheet-break-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C22/paper-machine-sheet-break-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C23",
        path: "catalog/IF-C23/offset-print-inline-inspection-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C23/offset-print-inline-inspection-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C24",
        path: "catalog/IF-C24/toy-heavy-metal-screening-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C24/toy-heavy-metal-screening-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C25",
        path: "catalog/IF-C25/coke-strength-blend-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C25/coke-strength-blend-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C26",
        path: "catalog/IF-C26/chlor-alkali-cell-energy-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C26/chlor-alkali-cell-energy-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C27",
        path: "catalog/IF-C27/tablet-dissolution-prediction-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C27/tablet-dissolution-prediction-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C28",
        path: "catalog/IF-C28/polyester-spin-pack-life-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C28/polyester-spin-pack-life-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C29",
        path: "catalog/IF-C29/tyre-curing-bladder-failure-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C29/tyre-curing-bladder-failure-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C30",
        path: "catalog/IF-C30/cement-kiln-nox-sncr-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C30/cement-kiln-nox-sncr-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C31",
        path: "catalog/IF-C31/bof-tapping-temperature-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C31/bof-tapping-temperature-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C32",
        path: "catalog/IF-C32/aluminium-pot-dc-energy-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C32/aluminium-pot-dc-energy-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C331",
        path: "catalog/IF-C331/steel-structure-weld-surface-inspection-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C331/steel-structure-weld-surface-inspection-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C332",
        path: "catalog/IF-C332/carbide-insert-sinter-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C332/carbide-insert-sinter-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C333",
        path: "catalog/IF-C333/food-can-double-seam-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C333/food-can-double-seam-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C334",
        path: "catalog/IF-C334/galvanized-wire-coating-mass-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C334/galvanized-wire-coating-mass-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C335",
        path: "catalog/IF-C335/scaffold-coupler-slip-test-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C335/scaffold-coupler-slip-test-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C336",
        path: "catalog/IF-C336/gas-carburizing-case-depth-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C336/gas-carburizing-case-depth-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C337",
        path: "catalog/IF-C337/enamel-surface-defect-inspection-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C337/enamel-surface-defect-inspection-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C338",
        path: "catalog/IF-C338/vacuum-flask-weekly-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C338/vacuum-flask-weekly-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C339",
        path: "catalog/IF-C339/green-sand-casting-scrap-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C339/green-sand-casting-scrap-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C341",
        path: "catalog/IF-C341/diesel-engine-hot-test-bsfc-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C341/diesel-engine-hot-test-bsfc-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C342",
        path: "catalog/IF-C342/cnc-turning-tool-wear-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C342/cnc-turning-tool-wear-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C343",
        path: "catalog/IF-C343/overhead-crane-lift-safety-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C343/overhead-crane-lift-safety-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C344",
        path: "catalog/IF-C344/screw-compressor-specific-power-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C344/screw-compressor-specific-power-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C345",
        path: "catalog/IF-C345/rolling-bearing-vibration-monitoring-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C345/rolling-bearing-vibration-monitoring-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C346",
        path: "catalog/IF-C346/vffs-heat-seal-strength-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C346/vffs-heat-seal-strength-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C347",
        path: "catalog/IF-C347/printer-fleet-toner-replenishment-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C347/printer-fleet-toner-replenishment-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C348",
        path: "catalog/IF-C348/fastener-weekly-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C348/fastener-weekly-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C349",
        path: "catalog/IF-C349/lpbf-ti64-density-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C349/lpbf-ti64-density-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C351",
        path: "catalog/IF-C351/excavator-hydraulic-pump-failure-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C351/excavator-hydraulic-pump-failure-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C352",
        path: "catalog/IF-C352/injection-mould-shot-anomaly-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C352/injection-mould-shot-anomaly-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C353",
        path: "catalog/IF-C353/retort-sterilisation-f0-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C353/retort-sterilisation-f0-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C354",
        path: "catalog/IF-C354/tablet-press-batch-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C354/tablet-press-batch-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C355",
        path: "catalog/IF-C355/ring-spinning-end-breaks-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C355/ring-spinning-end-breaks-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C356",
        path: "catalog/IF-C356/smt-placement-nozzle-health-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C356/smt-placement-nozzle-health-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C357",
        path: "catalog/IF-C357/combine-harvester-grain-loss-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C357/combine-harvester-grain-loss-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C358",
        path: "catalog/IF-C358/syringe-barrel-inspection-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C358/syringe-barrel-inspection-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C359",
        path: "catalog/IF-C359/baghouse-filter-leak-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C359/baghouse-filter-leak-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C361",
        path: "catalog/IF-C361/paint-shop-energy-per-body-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C361/paint-shop-energy-per-body-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C362",
        path: "catalog/IF-C362/engine-cold-test-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C362/engine-cold-test-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C363",
        path: "catalog/IF-C363/refrigerated-body-k-value-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C363/refrigerated-body-k-value-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C364",
        path: "catalog/IF-C364/three-wheel-truck-dealer-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C364/three-wheel-truck-dealer-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C365",
        path: "catalog/IF-C365/trolleybus-insulation-leakage-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C365/trolleybus-insulation-leakage-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C366",
        path: "catalog/IF-C366/trailer-beam-weld-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C366/trailer-beam-weld-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C367",
        path: "catalog/IF-C367/die-casting-xray-porosity-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C367/die-casting-xray-porosity-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C371",
        path: "catalog/IF-C371/emu-wheelset-profile-wear-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C371/emu-wheelset-profile-wear-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C372",
        path: "catalog/IF-C372/metro-door-cycle-anomaly-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C372/metro-door-cycle-anomaly-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C373",
        path: "catalog/IF-C373/shipyard-enclosed-space-gas-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C373/shipyard-enclosed-space-gas-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C374",
        path: "catalog/IF-C374/autoclave-laminate-void-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C374/autoclave-laminate-void-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C375",
        path: "catalog/IF-C375/motorcycle-wmtc-emissions-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C375/motorcycle-wmtc-emissions-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C376",
        path: "catalog/IF-C376/bicycle-component-supply-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C376/bicycle-component-supply-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C377",
        path: "catalog/IF-C377/ebike-battery-charging-safety-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C377/ebike-battery-charging-safety-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C378",
        path: "catalog/IF-C378/atv-rov-export-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C378/atv-rov-export-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C379",
        path: "catalog/IF-C379/diving-breathing-air-quality-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C379/diving-breathing-air-quality-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C381",
        path: "catalog/IF-C381/induction-motor-efficiency-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C381/induction-motor-efficiency-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C382",
        path: "catalog/IF-C382/pv-module-grade-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C382/pv-module-grade-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C383",
        path: "catalog/IF-C383/cable-insulation-extrusion-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C383/cable-insulation-extrusion-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C384",
        path: "catalog/IF-C384/lfp-cell-formation-grading-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C384/lfp-cell-formation-grading-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C385",
        path: "catalog/IF-C385/room-ac-refrigerant-charge-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C385/room-ac-refrigerant-charge-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C386",
        path: "catalog/IF-C386/gas-water-heater-efficiency-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C386/gas-water-heater-efficiency-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C387",
        path: "catalog/IF-C387/led-luminaire-visual-defect-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C387/led-luminaire-visual-defect-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C389",
        path: "catalog/IF-C389/traffic-signal-lamp-failure-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C389/traffic-signal-lamp-failure-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C391",
        path: "catalog/IF-C391/server-burn-in-yield-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C391/server-burn-in-yield-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C392",
        path: "catalog/IF-C392/cavity-filter-tuning-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C392/cavity-filter-tuning-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C393",
        path: "catalog/IF-C393/dtmb-transmitter-anomaly-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C393/dtmb-transmitter-anomaly-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C394",
        path: "catalog/IF-C394/radar-tr-module-anomaly-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C394/radar-tr-module-anomaly-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C395",
        path: "catalog/IF-C395/smart-tv-weekly-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C395/smart-tv-weekly-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C396",
        path: "catalog/IF-C396/consumer-drone-flight-safety-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C396/consumer-drone-flight-safety-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C397",
        path: "catalog/IF-C397/wafer-probe-yield-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C397/wafer-probe-yield-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C398",
        path: "catalog/IF-C398/mlcc-appearance-defect-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C398/mlcc-appearance-defect-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C399",
        path: "catalog/IF-C399/component-po-delay-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C399/component-po-delay-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C401",
        path: "catalog/IF-C401/pressure-transmitter-thermal-error-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C401/pressure-transmitter-thermal-error-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C402",
        path: "catalog/IF-C402/cems-analyser-drift-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-C402/cems-analyser-drift-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-C403",
        path: "catalog/IF-C403/watch-movement-timing-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C403/watch-movement-timing-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C404",
        path: "catalog/IF-C404/optical-lens-surface-defect-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C404/optical-lens-surface-defect-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C405",
        path: "catalog/IF-C405/load-cell-accuracy-class-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C405/load-cell-accuracy-class-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C409",
        path: "catalog/IF-C409/gas-detector-bump-test-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C409/gas-detector-bump-test-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C41",
        path: "catalog/IF-C41/gamma-sterilization-dose-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C41/gamma-sterilization-dose-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C42",
        path: "catalog/IF-C42/secondary-aluminium-melt-energy-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C42/secondary-aluminium-melt-energy-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-C43",
        path: "catalog/IF-C43/motor-repair-workscope-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-C43/motor-repair-workscope-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-D44",
        path: "catalog/IF-D44/coal-unit-scr-nox-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-D44/coal-unit-scr-nox-standard/dataset.yaml"),
    },
    Standard {
        code: "IF-D45",
        path: "catalog/IF-D45/gas-regulator-station-safety-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-D45/gas-regulator-station-safety-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-D46",
        path: "catalog/IF-D46/dma-hourly-water-demand-standard/dataset.yaml",
        text: include_str!(
            "../../../../catalog/IF-D46/dma-hourly-water-demand-standard/dataset.yaml"
        ),
    },
    Standard {
        code: "IF-I65",
        path: "catalog/IF-I65/microservice-anomaly-standard/dataset.yaml",
        text: include_str!("../../../../catalog/IF-I65/microservice-anomaly-standard/dataset.yaml"),
    },
];
