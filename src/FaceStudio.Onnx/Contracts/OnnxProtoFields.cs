namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// The field numbers of the onnx.proto messages that the ONNX writer encodes and the external-data scanner reads,
/// in one place (both stream the protobuf by hand: the scanner must not load multi-gigabyte weights).
/// </summary>
internal static class OnnxProtoFields
{
    /// <summary>ModelProto.</summary>
    internal static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    /// <summary>OperatorSetIdProto.</summary>
    internal static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    /// <summary>GraphProto.</summary>
    internal static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int Input = 11;
        public const int Output = 12;
        public const int SparseInitializer = 15;
    }

    /// <summary>NodeProto.</summary>
    internal static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int Domain = 7;
    }

    /// <summary>AttributeProto.</summary>
    internal static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int S = 4;
        public const int T = 5;
        public const int G = 6;
        public const int Floats = 7;
        public const int Ints = 8;
        public const int Tensors = 10;
        public const int Graphs = 11;
        public const int Type = 20;
        public const int SparseTensor = 22;
        public const int SparseTensors = 23;
    }

    /// <summary>TensorProto.</summary>
    internal static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int Name = 8;
        public const int RawData = 9;
        public const int ExternalData = 13;
        public const int DataLocation = 14;

        /// <summary>TensorProto.DataLocation.EXTERNAL.</summary>
        public const int DataLocationExternal = 1;
    }

    /// <summary>SparseTensorProto.</summary>
    internal static class SparseTensor
    {
        public const int Values = 1;
        public const int Indices = 2;
    }

    /// <summary>ValueInfoProto.</summary>
    internal static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    /// <summary>TypeProto (tensor_type) and TypeProto.Tensor.</summary>
    internal static class TypeProto
    {
        public const int TensorType = 1;
        public const int TensorElemType = 1;
        public const int TensorShape = 2;
    }

    /// <summary>TensorShapeProto and TensorShapeProto.Dimension.</summary>
    internal static class TensorShape
    {
        public const int Dim = 1;
        public const int DimValue = 1;
        public const int DimParam = 2;
    }

    /// <summary>StringStringEntryProto.</summary>
    internal static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }
}
