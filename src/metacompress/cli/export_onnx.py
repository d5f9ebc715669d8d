"""`metacompress export-onnx`: export a torch model to ONNX with its tokenizer and a spec.

    metacompress export-onnx --model student/ --out export/student.onnx
    metacompress predict --model export/student.onnx --data test.jsonl.xz

Writes FILE, FILE's stem + `-tokenizer/`, and FILE's stem + `.yaml` (a spec of format `onnx`),
after checking that ONNX Runtime reproduces the torch probabilities within --tolerance.
"""

from __future__ import annotations

import argparse
import json

from metacompress.cli.predict import add_model_arguments, model_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export-onnx", help="export a torch model to ONNX")
    add_model_arguments(parser)
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    parser.add_argument(
        "--exporter", default="dynamo", help="dynamo or torchscript (checked by the exporter)"
    )
    parser.add_argument("--opset", type=int, help="ONNX opset (default: the exporter's)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max |onnx - torch|")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from metacompress.models.onnx_export import EXPORTERS, export_onnx
    from metacompress.registry import check_choice

    check_choice("exporter", args.exporter, EXPORTERS)
    model = model_from_args(args)
    result = export_onnx(
        model, args.out, tolerance=args.tolerance, opset=args.opset, exporter=args.exporter
    )
    print(
        json.dumps(
            {
                "onnx": str(result.onnx_path),
                "spec": str(result.spec_path),
                "tokenizer": result.tokenizer,
                "max_abs_diff": result.max_abs_diff,
            },
            indent=2,
        )
    )
    return 0
