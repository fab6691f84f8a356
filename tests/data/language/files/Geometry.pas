unit Geometry;

interface

type
  TPoint = record
    X, Y: Double;
  end;

function Distance(const A, B: TPoint): Double;
function MakePoint(AX, AY: Double): TPoint;

implementation

uses Math;

function Distance(const A, B: TPoint): Double;
begin
  Result := Sqrt(Sqr(A.X - B.X) + Sqr(A.Y - B.Y));
end;

function MakePoint(AX, AY: Double): TPoint;
begin
  Result.X := AX;
  Result.Y := AY;
end;

end.
